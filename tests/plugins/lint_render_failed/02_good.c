/* 02_good - lint fixture for rule render-failed: fine, renders offline. */
#include <vhost/sdk.h>

VHOST_REVISION("good", "bad", "fine: renders offline");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big ADD COLUMN rf2 integer");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big DROP COLUMN rf2");
}
