/* d7a000000004_not_null.c - fixture revision in tests/plugins/flow_dry: NOT
 * NULL on a column that existing rows leave empty (SQLSTATE 23502). */
#include <vhost/sdk.h>

VHOST_REVISION("d7a000000004", "d7a000000003", "child note required");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE flow_child ALTER COLUMN note SET NOT NULL");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE flow_child ALTER COLUMN note DROP NOT NULL");
}
