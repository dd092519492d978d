/* d7a000000005_concurrent.c - fixture revision in tests/plugins/flow_dry: a
 * non-transactional revision (CREATE INDEX CONCURRENTLY), which a dry run
 * cannot include: it must stop before it and say so. */
#include <vhost/sdk.h>

VHOST_REVISION("d7a000000005", "d7a000000004", "index child parent concurrently");
VHOST_NON_TRANSACTIONAL();

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE INDEX CONCURRENTLY IF NOT EXISTS flow_child_parent_idx "
			    "ON flow_child (parent_id)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP INDEX CONCURRENTLY IF EXISTS flow_child_parent_idx");
}
