/* a47c1e8f3d60_verified.c - fixture revision "verified table" in
 * tests/plugins/flags: the head, with a verify() that checks the table its
 * upgrade created, and a VHOST_DESCRIPTION. */
#include <vhost/sdk.h>

VHOST_REVISION("a47c1e8f3d60", "6b2e9a0d7c35", "verified table");
VHOST_DESCRIPTION("Creates t_a47c1e8f3d60 and verifies that it exists.");
VHOST_VERIFY();

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_a47c1e8f3d60 (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_a47c1e8f3d60");
}

int verify(vh_ctx *ctx)
{
	long long found = 0;
	int rc = vh_query_int(ctx, &found,
			      "SELECT count(*) FROM pg_catalog.pg_tables "
			      "WHERE schemaname = %L AND tablename = 't_a47c1e8f3d60'",
			      vh_schema(ctx));

	if (rc != VH_OK)
		return rc;
	return found == 1 ? VH_OK : vh_error(ctx, "table t_a47c1e8f3d60 is missing");
}
