/* 7c44d2a9e610_second.c - fixture revision "second table" in
 * tests/plugins/linear. The middle of 3b8e1f0c9a21 -> 7c44d2a9e610 ->
 * e59b07d3c4f2. It creates one table and drops it again, so database tests
 * can run the set up and down and compare the catalog. */
#include <vhost/sdk.h>

VHOST_REVISION("7c44d2a9e610", "3b8e1f0c9a21", "second table");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_7c44d2a9e610 (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_7c44d2a9e610");
}
