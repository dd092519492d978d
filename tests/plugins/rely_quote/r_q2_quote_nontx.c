/* r_q2_quote_nontx.c - head of the rely_quote fixture chain: a
 * non-transactional revision (whose bookkeeping takes the most hand-built
 * SQL) with a quote in its id, r'q;2. */
#include <vhost/sdk.h>

VHOST_REVISION("r'q;2", "r'q;1", "quote's index");
VHOST_NON_TRANSACTIONAL();

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE INDEX CONCURRENTLY IF NOT EXISTS rely_q_id ON rely_q (id)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP INDEX CONCURRENTLY IF EXISTS rely_q_id");
}
