/* 5a0f3e7d21b9_base.c - fixture revision "branch base" in
 * tests/plugins/branch. The base two branches grow from. It creates one
 * table and drops it again, so database tests can run the set up and down
 * and compare the catalog. */
#include <vhost/sdk.h>

VHOST_REVISION("5a0f3e7d21b9", NULL, "branch base");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_5a0f3e7d21b9 (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_5a0f3e7d21b9");
}
