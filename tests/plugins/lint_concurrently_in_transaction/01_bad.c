/* 01_bad - lint fixture for rule concurrently-in-transaction: triggers concurrently-in-transaction. */
#include <vhost/sdk.h>

VHOST_REVISION("bad", NULL, "triggers concurrently-in-transaction");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE INDEX CONCURRENTLY big_b_idx ON big (b)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP INDEX CONCURRENTLY big_b_idx");
}
