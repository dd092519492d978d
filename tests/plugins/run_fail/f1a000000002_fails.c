/* f1a000000002_fails.c - fixture revision "second statement fails" in
 * tests/plugins/run_fail. Its first statement succeeds and its second
 * fails (an undefined table), so the runner tests can check that the first
 * one is rolled back with it and that the history table records the
 * failing statement and its SQLSTATE (42P01). */
#include <vhost/sdk.h>

VHOST_REVISION("f1a000000002", "f1a000000001", "second statement fails");

int upgrade(vh_ctx *ctx)
{
	int rc = vh_exec(ctx, "CREATE TABLE t_run_fail_two (id int)");

	if (rc != VH_OK)
		return rc;
	return vh_exec(ctx, "INSERT INTO t_run_fail_missing VALUES (1)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE IF EXISTS t_run_fail_two");
}
