/* 02_good - lint fixture for rule concurrently-in-transaction: fine: the same statement, declared VHOST_NON_TRANSACTIONAL(). */
#include <vhost/sdk.h>

VHOST_REVISION("good", "bad", "fine: the same statement, declared VHOST_NON_TRANSACTIONAL()");
VHOST_NON_TRANSACTIONAL();

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE INDEX CONCURRENTLY big_b_idx ON big (b)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP INDEX CONCURRENTLY big_b_idx");
}
