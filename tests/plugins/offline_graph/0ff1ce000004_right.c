/* 0ff1ce000004_right.c - fixture revision in tests/plugins/offline_graph:
 * the other side of the branch from 0ff1ce000002 (a new version-table row
 * on the way up, a deleted one on the way down). */
#include <vhost/sdk.h>

VHOST_REVISION("0ff1ce000004", "0ff1ce000002", "right branch");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE right_side (id int PRIMARY KEY)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE right_side");
}
