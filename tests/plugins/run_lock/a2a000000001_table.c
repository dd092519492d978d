/* a2a000000001_table.c - fixture revision "lock target" in
 * tests/plugins/run_lock: the table a test session then locks. */
#include <vhost/sdk.h>

VHOST_REVISION("a2a000000001", NULL, "lock target");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_run_lock (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_run_lock");
}
