/* b1a000000001_slow.c - fixture revision "slow base" in
 * tests/plugins/run_sleep: sleeps 0.3 s before creating its table, so that
 * when several vhost processes start at once the first one is still
 * migrating while the others arrive at the migration lock. */
#include <vhost/sdk.h>

VHOST_REVISION("b1a000000001", NULL, "slow base");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "SELECT pg_sleep(0.3);\nCREATE TABLE t_run_sleep_1 (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_run_sleep_1");
}
