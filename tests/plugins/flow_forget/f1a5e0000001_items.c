/* f1a5e0000001_items.c - fixture revision in tests/plugins/flow_forget: the
 * base of a chain whose later revisions forget part of their downgrade, for
 * `vhost test` (tests/db/test_workflow_test.c). This one is correct. */
#include <vhost/sdk.h>

VHOST_REVISION("f1a5e0000001", NULL, "items table");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE flow_item (id int PRIMARY KEY, name text NOT NULL, "
			    "qty int NOT NULL DEFAULT 0)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE flow_item");
}
