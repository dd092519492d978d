/* 8e2c6b1a4d07_left.c - fixture revision "left branch" in
 * tests/plugins/branch. One of two heads. It creates one table and drops it
 * again, so database tests can run the set up and down and compare the
 * catalog. */
#include <vhost/sdk.h>

VHOST_REVISION("8e2c6b1a4d07", "5a0f3e7d21b9", "left branch");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_8e2c6b1a4d07 (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_8e2c6b1a4d07");
}
