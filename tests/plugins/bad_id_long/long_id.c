/* long_id.c - fixture revision "forty characters" in
 * tests/plugins/bad_id_long. Its 40-character id does not fit the version
 * table's VARCHAR(32), so a scan fails. It creates one table and drops it
 * again, so database tests can run the set up and down and compare the
 * catalog. */
#include <vhost/sdk.h>

VHOST_REVISION("0123456789abcdef0123456789abcdef01234567", NULL, "forty characters");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_long_id (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_long_id");
}
