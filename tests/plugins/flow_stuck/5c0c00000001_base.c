/* 5c0c00000001_base.c - fixture revision in tests/plugins/flow_stuck: the
 * correct base of a chain whose middle revision forgets to drop its table. */
#include <vhost/sdk.h>

VHOST_REVISION("5c0c00000001", NULL, "stuck base");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE flow_stuck_a (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE flow_stuck_a");
}
