/* cccc00000002_b.c - fixture revision "cycle b" in tests/plugins/bad_cycle.
 * Its parent is cccc00000001, whose parent is this one: a scan finds the
 * cycle. It creates one table and drops it again, so database tests can run
 * the set up and down and compare the catalog. */
#include <vhost/sdk.h>

VHOST_REVISION("cccc00000002", "cccc00000001", "cycle b");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_cccc00000002 (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_cccc00000002");
}
