/* d1a000000001_base.c - fixture revision "drift base" in
 * tests/plugins/run_drift. tests/plugins/run_drift_alt holds a different
 * build of the same revision id, which a test puts in its place after this
 * one was applied, to see the drift check refuse. */
#include <vhost/sdk.h>

VHOST_REVISION("d1a000000001", NULL, "drift base");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_run_drift (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_run_drift");
}
