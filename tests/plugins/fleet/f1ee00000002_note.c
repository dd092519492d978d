/* f1ee00000002_note.c - fixture revision in tests/plugins/fleet: a column,
 * with the same optional sleep as the first revision. */
#include <vhost/sdk.h>

VHOST_REVISION("f1ee00000002", "f1ee00000001", "fleet: note");

int upgrade(vh_ctx *ctx)
{
	int rc = vh_exec(ctx, "SELECT pg_sleep(coalesce(nullif(current_setting("
			      "'vhost_test.fleet_sleep', true), ''), '0')::float8)");

	if (rc != VH_OK)
		return rc;
	return vh_exec(ctx, "ALTER TABLE items ADD COLUMN note text");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE items DROP COLUMN note");
}
