/* c1a000000002_concurrent.c - fixture revision "index concurrently" in
 * tests/plugins/run_nontx: VHOST_NON_TRANSACTIONAL, since CREATE INDEX
 * CONCURRENTLY fails inside a transaction block. Unqualified names, so it
 * also shows the search_path is the target schema outside a transaction.
 *
 * The tests steer it through the session setting vhtest.mode (set with
 * PGOPTIONS="-c vhtest.mode=..."), so one fixture covers every case:
 *   fail   the index is built, then a second statement fails: a part-way
 *          failure that leaves the revision "in progress"
 *   sleep  pg_sleep(60) before anything, so the test can kill vhost while
 *          the revision runs
 * Re-runnable (IF NOT EXISTS), as a non-transactional revision should be. */
#include <string.h>
#include <vhost/sdk.h>

VHOST_REVISION("c1a000000002", "c1a000000001", "index concurrently");
VHOST_NON_TRANSACTIONAL();

int upgrade(vh_ctx *ctx)
{
	char *mode = NULL;
	int rc = vh_query_value(ctx, &mode, "SELECT current_setting('vhtest.mode', true)");

	if (rc != VH_OK)
		return rc;
	if (mode && strcmp(mode, "sleep") == 0)
		rc = vh_exec(ctx, "SELECT pg_sleep(60)");
	if (rc == VH_OK)
		rc = vh_exec(ctx, "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_run_nontx "
				  "ON t_run_nontx (id)");
	if (rc == VH_OK && mode && strcmp(mode, "fail") == 0)
		rc = vh_exec(ctx, "SELECT 1 / 0");
	vh_free(mode);
	return rc;
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP INDEX CONCURRENTLY IF EXISTS ix_run_nontx");
}
