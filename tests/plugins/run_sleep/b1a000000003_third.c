/* b1a000000003_third.c - fixture revision "slow head" in
 * tests/plugins/run_sleep: sleeps 0.1 s, keeping the window between the
 * first revision's commit and the end of the run open. */
#include <vhost/sdk.h>

VHOST_REVISION("b1a000000003", "b1a000000002", "slow head");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "SELECT pg_sleep(0.1);\nCREATE TABLE t_run_sleep_3 (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_run_sleep_3");
}
