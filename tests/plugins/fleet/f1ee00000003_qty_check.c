/* f1ee00000003_qty_check.c - fixture revision in tests/plugins/fleet: a
 * constraint that a tenant holding a row with a negative qty refuses
 * (SQLSTATE 23514), so a test can make one target of a fleet fail. */
#include <vhost/sdk.h>

VHOST_REVISION("f1ee00000003", "f1ee00000002", "fleet: qty check");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE items ADD CONSTRAINT items_qty_nonneg CHECK (qty >= 0)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE items DROP CONSTRAINT items_qty_nonneg");
}
