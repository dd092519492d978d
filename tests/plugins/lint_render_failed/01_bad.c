/* 01_bad - lint fixture for rule render-failed: upgrade() fails when run
 * offline, so lint cannot see what it would send. */
#include <vhost/sdk.h>

VHOST_REVISION("bad", NULL, "triggers render-failed");

int upgrade(vh_ctx *ctx)
{
	if (vh_is_offline(ctx))
		return vh_error(ctx, "this revision refuses to be rendered");
	return vh_exec(ctx, "ALTER TABLE big ADD COLUMN rf integer");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big DROP COLUMN rf");
}
