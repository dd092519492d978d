/* 02_good - lint fixture for rule whole-table-dml: fine: one bounded batch. */
#include <vhost/sdk.h>

VHOST_REVISION("good", "bad", "fine: one bounded batch");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "UPDATE big SET b = 0 WHERE id <= 1000");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "SELECT 1");
}
