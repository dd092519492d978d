/* f1ee00000001_items.c - fixture revision in tests/plugins/fleet, the chain
 * tests/sh/test_fleet*.sh run over many tenants: a table per tenant. It
 * sleeps for the custom setting vhost_test.fleet_sleep seconds (none when
 * unset), so a test can stretch a fleet's run long enough to kill it. */
#include <vhost/sdk.h>

VHOST_REVISION("f1ee00000001", NULL, "fleet: items");

int upgrade(vh_ctx *ctx)
{
	int rc = vh_exec(ctx, "SELECT pg_sleep(coalesce(nullif(current_setting("
			      "'vhost_test.fleet_sleep', true), ''), '0')::float8)");

	if (rc != VH_OK)
		return rc;
	return vh_exec(ctx, "CREATE TABLE items (id int PRIMARY KEY, qty int NOT NULL DEFAULT 0)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE items");
}
