/* 9ac3e5d7f182_right.c - fixture revision "right branch" in
 * tests/plugins/merge. The second parent of the merge d03b6a4c8e57. It
 * creates one table and drops it again, so database tests can run the set up
 * and down and compare the catalog. */
#include <vhost/sdk.h>

VHOST_REVISION("9ac3e5d7f182", "2d7a9c0e5b13", "right branch");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_9ac3e5d7f182 (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_9ac3e5d7f182");
}
