/* 6b2e9a0d7c35_concurrent_index.c - fixture revision "index concurrently" in
 * tests/plugins/flags. CREATE INDEX CONCURRENTLY cannot run inside a
 * transaction block, so the revision declares VHOST_NON_TRANSACTIONAL(); one
 * statement each way, so a failed run can simply be re-run. */
#include <vhost/sdk.h>

VHOST_REVISION("6b2e9a0d7c35", "0e6d5c4b3a29", "index concurrently");
VHOST_NON_TRANSACTIONAL();

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_t_0e6d5c4b3a29_id "
			    "ON t_0e6d5c4b3a29 (id)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP INDEX CONCURRENTLY IF EXISTS ix_t_0e6d5c4b3a29_id");
}
