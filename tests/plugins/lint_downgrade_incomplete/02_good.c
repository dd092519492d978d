/* 02_good - lint fixture for rule downgrade-incomplete: fine: the downgrade drops what the upgrade creates. */
#include <vhost/sdk.h>

VHOST_REVISION("good", "bad", "fine: the downgrade drops what the upgrade creates");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE kept (id integer)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE kept");
}
