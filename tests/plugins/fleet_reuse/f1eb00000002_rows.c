/* f1eb00000002_rows.c - fixture revision in tests/plugins/fleet_reuse: a
 * row in the tenant's own items table, holding the schema the revision
 * ran in (current_schema()), so the test can check that each tenant's
 * revisions ran in that tenant's schema. */
#include <vhost/sdk.h>

VHOST_REVISION("f1eb00000002", "f1eb00000001", "fleet reuse: a row");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "INSERT INTO items (id) VALUES (1)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DELETE FROM items");
}
