/* e1a000000002_verify_fails.c - fixture revision "verify fails" in
 * tests/plugins/run_verify. upgrade() succeeds (it creates an empty table);
 * verify() then demands a row that is not there and fails, so the runner
 * must roll the upgrade back and record verify()'s message. */
#include <vhost/sdk.h>

VHOST_REVISION("e1a000000002", "e1a000000001", "verify fails");
VHOST_VERIFY();

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_run_verify (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_run_verify");
}

int verify(vh_ctx *ctx)
{
	long long n = -1;
	int rc = vh_query_int(ctx, &n, "SELECT count(*) FROM t_run_verify");

	if (rc != VH_OK)
		return rc;
	return n > 0 ? VH_OK : vh_error(ctx, "t_run_verify has %lld rows, expected some", n);
}
