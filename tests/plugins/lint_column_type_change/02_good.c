/* 02_good - lint fixture for rule column-type-change: fine: a new column of the new type, to backfill. */
#include <vhost/sdk.h>

VHOST_REVISION("good", "bad", "fine: a new column of the new type, to backfill");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big ADD COLUMN a_wide bigint");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big DROP COLUMN a_wide");
}
