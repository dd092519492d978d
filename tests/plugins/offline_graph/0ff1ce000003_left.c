/* 0ff1ce000003_left.c - fixture revision in tests/plugins/offline_graph:
 * one side of a branch from 0ff1ce000002. */
#include <vhost/sdk.h>

VHOST_REVISION("0ff1ce000003", "0ff1ce000002", "left branch");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE left_side (id int PRIMARY KEY)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE left_side");
}
