/* 02_good - lint fixture for rule rename-table: fine: the new name as a view first (expand and contract). */
#include <vhost/sdk.h>

VHOST_REVISION("good", "bad", "fine: the new name as a view first (expand and contract)");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE VIEW huge AS SELECT * FROM big");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP VIEW huge");
}
