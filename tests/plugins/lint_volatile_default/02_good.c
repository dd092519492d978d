/* 02_good - lint fixture for rule volatile-default: fine: a stable default, stored once in the catalog. */
#include <vhost/sdk.h>

VHOST_REVISION("good", "bad", "fine: a stable default, stored once in the catalog");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big ADD COLUMN seen_at timestamptz DEFAULT now()");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big DROP COLUMN seen_at");
}
