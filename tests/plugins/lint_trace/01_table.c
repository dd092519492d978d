/* 01_table - lint fixture for the lock trace: the table the next revision
 * alters. */
#include <vhost/sdk.h>

VHOST_REVISION("t1", NULL, "create t");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t (id integer PRIMARY KEY, a integer)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t");
}
