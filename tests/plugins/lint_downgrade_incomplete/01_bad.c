/* 01_bad - lint fixture for rule downgrade-incomplete: triggers downgrade-incomplete. */
#include <vhost/sdk.h>

VHOST_REVISION("bad", NULL, "triggers downgrade-incomplete");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE kept (id integer)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "SELECT 1");
}
