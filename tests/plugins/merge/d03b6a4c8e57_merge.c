/* d03b6a4c8e57_merge.c - fixture revision "merge left and right" in
 * tests/plugins/merge: the merge point of 64f1b8e2c0a9 and 9ac3e5d7f182, so
 * the set has one head again. The blank after the comma is deliberate: the
 * scan trims it. It creates one table and drops it again, so database tests
 * can run the set up and down and compare the catalog. */
#include <vhost/sdk.h>

VHOST_REVISION("d03b6a4c8e57", "64f1b8e2c0a9, 9ac3e5d7f182", "merge left and right");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_d03b6a4c8e57 (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_d03b6a4c8e57");
}
