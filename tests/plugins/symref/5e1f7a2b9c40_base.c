/* 5e1f7a2b9c40_base.c - fixture revision "symref base" in tests/plugins/symref,
 * the base of 5e1f7a2b9c40 -> 91d3b6e0f2a7. It creates one table and drops it
 * again, so database tests can run the set up and down and compare the
 * catalog. */
#include <vhost/sdk.h>

VHOST_REVISION("5e1f7a2b9c40", NULL, "symref base");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_5e1f7a2b9c40 (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_5e1f7a2b9c40");
}
