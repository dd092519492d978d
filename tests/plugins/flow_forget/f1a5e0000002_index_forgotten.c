/* f1a5e0000002_index_forgotten.c - fixture revision in tests/plugins/flow_forget
 * whose downgrade forgets to drop the index its upgrade creates. The upgrade
 * says IF NOT EXISTS, so running it again succeeds and only the catalog
 * comparison after the downgrade can catch the mistake. */
#include <vhost/sdk.h>

VHOST_REVISION("f1a5e0000002", "f1a5e0000001", "index on item name, downgrade forgets it");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE INDEX IF NOT EXISTS flow_item_name_idx ON flow_item (name)");
}

int downgrade(vh_ctx *ctx)
{
	/* Deliberately wrong: DROP INDEX flow_item_name_idx is missing. */
	(void)ctx;
	return 0;
}
