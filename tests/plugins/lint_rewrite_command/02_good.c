/* 02_good - lint fixture for rule rewrite-command: fine: REINDEX CONCURRENTLY in a non-transactional revision. */
#include <vhost/sdk.h>

VHOST_REVISION("good", "bad", "fine: REINDEX CONCURRENTLY in a non-transactional revision");
VHOST_NON_TRANSACTIONAL();

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "REINDEX INDEX CONCURRENTLY big_i");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "SELECT 1");
}
