/* 01_bad - lint fixture for rule volatile-default: triggers volatile-default. */
#include <vhost/sdk.h>

VHOST_REVISION("bad", NULL, "triggers volatile-default");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big ADD COLUMN token uuid DEFAULT gen_random_uuid()");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big DROP COLUMN token");
}
