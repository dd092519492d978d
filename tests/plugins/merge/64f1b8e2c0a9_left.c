/* 64f1b8e2c0a9_left.c - fixture revision "left branch" in
 * tests/plugins/merge. The first parent of the merge d03b6a4c8e57. It
 * creates one table and drops it again, so database tests can run the set up
 * and down and compare the catalog. */
#include <vhost/sdk.h>

VHOST_REVISION("64f1b8e2c0a9", "2d7a9c0e5b13", "left branch");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_64f1b8e2c0a9 (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_64f1b8e2c0a9");
}
