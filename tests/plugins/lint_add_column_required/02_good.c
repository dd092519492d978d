/* 02_good - lint fixture for rule add-column-required: fine: NOT NULL with a constant default. */
#include <vhost/sdk.h>

VHOST_REVISION("good", "bad", "fine: NOT NULL with a constant default");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big ADD COLUMN flag integer NOT NULL DEFAULT 0");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big DROP COLUMN flag");
}
