/* 02_good - lint fixture for rule index-not-concurrent: fine: built CONCURRENTLY in a non-transactional revision. */
#include <vhost/sdk.h>

VHOST_REVISION("good", "bad", "fine: built CONCURRENTLY in a non-transactional revision");
VHOST_NON_TRANSACTIONAL();

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE INDEX CONCURRENTLY big_a_idx ON big (a)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP INDEX CONCURRENTLY big_a_idx");
}
