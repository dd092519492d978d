/* 9a0000000002_odd_names.c - fixture revision "odd names" in
 * tests/plugins/run_probe: a column and an index whose names need quoting,
 * made through vh_execf's %I with the schema from vh_schema(), so an odd
 * target schema is exercised through the SDK as well as the search_path. */
#include <vhost/sdk.h>

VHOST_REVISION("9a0000000002", "9a0000000001", "odd names");

int upgrade(vh_ctx *ctx)
{
	int rc = vh_execf(ctx, "ALTER TABLE %I.probe ADD COLUMN %I text", vh_schema(ctx),
			  "Odd Column");

	if (rc != VH_OK)
		return rc;
	return vh_execf(ctx, "CREATE INDEX %I ON probe (%I)", "Odd Index", "Odd Column");
}

int downgrade(vh_ctx *ctx)
{
	int rc = vh_execf(ctx, "DROP INDEX %I", "Odd Index");

	if (rc != VH_OK)
		return rc;
	return vh_execf(ctx, "ALTER TABLE probe DROP COLUMN %I", "Odd Column");
}
