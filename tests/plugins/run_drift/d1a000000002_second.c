/* d1a000000002_second.c - fixture revision "drift second" in
 * tests/plugins/run_drift: the revision still to apply when the drift check
 * refuses (or, with --ignore-drift, lets the run go on). */
#include <vhost/sdk.h>

VHOST_REVISION("d1a000000002", "d1a000000001", "drift second");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_run_drift_2 (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_run_drift_2");
}
