/* bad_chars.c - fixture revision "dash in id" in tests/plugins/bad_id_chars.
 * Alembic forbids the '-' in its id a-b, so a scan fails. It creates one
 * table and drops it again, so database tests can run the set up and down
 * and compare the catalog. */
#include <vhost/sdk.h>

VHOST_REVISION("a-b", NULL, "dash in id");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_bad_chars (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_bad_chars");
}
