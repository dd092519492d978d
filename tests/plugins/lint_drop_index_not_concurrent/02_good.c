/* 02_good - lint fixture for rule drop-index-not-concurrent: fine: dropped CONCURRENTLY in a non-transactional revision. */
#include <vhost/sdk.h>

VHOST_REVISION("good", "bad", "fine: dropped CONCURRENTLY in a non-transactional revision");
VHOST_NON_TRANSACTIONAL();

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP INDEX CONCURRENTLY big_i");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE INDEX CONCURRENTLY big_i ON big (a)");
}
