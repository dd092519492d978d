/* b1a000000003_after.c - fixture revision "after the failing one" in
 * tests/plugins/run_batch: must never run when b1a000000002 fails; its
 * vh_query_int is a sync point (the statement before it must have run). */
#include <vhost/sdk.h>

VHOST_REVISION("b1a000000003", "b1a000000002", "after the failing one");

int upgrade(vh_ctx *ctx)
{
	long long n = 0;
	int rc = vh_exec(ctx, "CREATE TABLE t_batch_three (id int)");

	if (rc == VH_OK)
		rc = vh_query_int(ctx, &n, "SELECT count(*) FROM t_batch_three");
	if (rc == VH_OK && n != 0)
		return vh_exec(ctx, "SELECT 'unexpected rows'::int");
	return rc == VH_OK ? vh_exec(ctx, "INSERT INTO t_batch_three VALUES (3)") : rc;
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_batch_three");
}
