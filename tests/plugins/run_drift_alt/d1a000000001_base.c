/* d1a000000001_base.c - fixture revision "drift base, edited" in
 * tests/plugins/run_drift_alt: the same id as run_drift's base with a
 * different body, i.e. an applied revision someone changed afterwards. Only
 * ever copied over run_drift's file; never loaded next to it. */
#include <vhost/sdk.h>

VHOST_REVISION("d1a000000001", NULL, "drift base");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_run_drift (id int, edited text)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_run_drift");
}
