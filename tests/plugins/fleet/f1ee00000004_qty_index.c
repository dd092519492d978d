/* f1ee00000004_qty_index.c - fixture revision in tests/plugins/fleet: the
 * head, an index, after the constraint that can fail. */
#include <vhost/sdk.h>

VHOST_REVISION("f1ee00000004", "f1ee00000003", "fleet: qty index");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE INDEX items_qty ON items (qty)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP INDEX items_qty");
}
