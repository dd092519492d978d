/* c1a000000003_after.c - fixture revision "after the index" in
 * tests/plugins/run_nontx: an ordinary revision after the non-transactional
 * one, so the tests see a run go on (or stop) past it. */
#include <vhost/sdk.h>

VHOST_REVISION("c1a000000003", "c1a000000002", "after the index");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_run_nontx_after (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_run_nontx_after");
}
