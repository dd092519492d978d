/* 3b8e1f0c9a21_first.c - fixture revision "first table" in tests/plugins/linear.
 * The base of 3b8e1f0c9a21 -> 7c44d2a9e610 -> e59b07d3c4f2; it also carries a
 * VHOST_DESCRIPTION, so tests see the optional symbol read. It creates one
 * table and drops it again, so database tests can run the set up and down and
 * compare the catalog. */
#include <vhost/sdk.h>

VHOST_REVISION("3b8e1f0c9a21", NULL, "first table");
VHOST_DESCRIPTION("The first of three linear revisions.\nEach one adds a table.");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_3b8e1f0c9a21 (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_3b8e1f0c9a21");
}
