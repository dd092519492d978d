/* 5c0c00000003_head.c - fixture revision in tests/plugins/flow_stuck: a
 * correct head that `vhost test` cannot reach after the faulty revision. */
#include <vhost/sdk.h>

VHOST_REVISION("5c0c00000003", "5c0c00000002", "stuck head");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE flow_stuck_c (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE flow_stuck_c");
}
