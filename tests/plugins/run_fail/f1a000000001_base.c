/* f1a000000001_base.c - fixture revision "fail base" in tests/plugins/run_fail:
 * the base of f1a000000001 -> f1a000000002, a revision that succeeds so the
 * runner tests can check it survives the failure of the next one (or, with
 * --single-transaction, that it is rolled back with it). */
#include <vhost/sdk.h>

VHOST_REVISION("f1a000000001", NULL, "fail base");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_run_fail_base (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_run_fail_base");
}
