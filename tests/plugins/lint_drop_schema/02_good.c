/* 02_good - lint fixture for rule drop-schema: fine: creating, not dropping. */
#include <vhost/sdk.h>

VHOST_REVISION("good", "bad", "fine: creating, not dropping");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE SCHEMA legacy");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP SCHEMA legacy");
}
