/* b91d4f0e3a68_right.c - fixture revision "right branch" in
 * tests/plugins/branch. The other of two heads. It creates one table and
 * drops it again, so database tests can run the set up and down and compare
 * the catalog. */
#include <vhost/sdk.h>

VHOST_REVISION("b91d4f0e3a68", "5a0f3e7d21b9", "right branch");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_b91d4f0e3a68 (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_b91d4f0e3a68");
}
