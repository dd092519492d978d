/* 02_good - lint fixture for rule needs-server: fine, only vh_exec. */
#include <vhost/sdk.h>

VHOST_REVISION("good", "bad", "fine: only vh_exec");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big ADD COLUMN counted2 integer");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big DROP COLUMN counted2");
}
