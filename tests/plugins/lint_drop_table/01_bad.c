/* 01_bad - lint fixture for rule drop-table: triggers drop-table. */
#include <vhost/sdk.h>

VHOST_REVISION("bad", NULL, "triggers drop-table");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE big");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE big (id integer PRIMARY KEY, a integer, b integer)");
}
