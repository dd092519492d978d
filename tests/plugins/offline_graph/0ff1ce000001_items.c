/* 0ff1ce000001_items.c - fixture revision in tests/plugins/offline_graph:
 * the base. Builds its statements with vh_execf's %I and %L, so the offline
 * script shows quoting exactly as the online run sends it. */
#include <vhost/sdk.h>

VHOST_REVISION("0ff1ce000001", NULL, "items table");

int upgrade(vh_ctx *ctx)
{
	int rc = vh_execf(ctx, "CREATE TABLE %I (id int PRIMARY KEY, note text DEFAULT %L)",
			  "Offline Items", "it's new");

	if (rc == 0)
		rc = vh_execf(ctx, "COMMENT ON TABLE %I IS %L", "Offline Items",
			      "rendered by vhost offline");
	return rc;
}

int downgrade(vh_ctx *ctx)
{
	return vh_execf(ctx, "DROP TABLE %I", "Offline Items");
}
