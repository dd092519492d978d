/* b1a000000002_second.c - fixture revision "second" in
 * tests/plugins/run_sleep: not idempotent (a plain CREATE TABLE), so a
 * second run of it by a concurrent vhost would fail loudly. */
#include <vhost/sdk.h>

VHOST_REVISION("b1a000000002", "b1a000000001", "second");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_run_sleep_2 (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_run_sleep_2");
}
