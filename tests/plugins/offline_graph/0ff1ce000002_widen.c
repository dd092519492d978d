/* 0ff1ce000002_widen.c - fixture revision in tests/plugins/offline_graph:
 * two statements in one vh_exec(), recorded as sent. The branch point of
 * 0ff1ce000003 (left) and 0ff1ce000004 (right). */
#include <vhost/sdk.h>

VHOST_REVISION("0ff1ce000002", "0ff1ce000001", "widen items");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE \"Offline Items\" ADD COLUMN qty int NOT NULL DEFAULT 0;\n"
			    "CREATE INDEX ix_items_qty ON \"Offline Items\" (qty)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP INDEX ix_items_qty;\n"
			    "ALTER TABLE \"Offline Items\" DROP COLUMN qty");
}
