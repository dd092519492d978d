/* cccc00000001_a.c - fixture revision "cycle a" in tests/plugins/bad_cycle.
 * Its parent is cccc00000002, whose parent is this one: a scan finds the
 * cycle. It creates one table and drops it again, so database tests can run
 * the set up and down and compare the catalog. */
#include <vhost/sdk.h>

VHOST_REVISION("cccc00000001", "cccc00000002", "cycle a");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_cccc00000001 (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_cccc00000001");
}
