/* 01_bad - lint fixture for rule missing-lock-timeout: triggers missing-lock-timeout. */
#include <vhost/sdk.h>

VHOST_REVISION("bad", NULL, "triggers missing-lock-timeout");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big ADD COLUMN note text");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big DROP COLUMN note");
}
