/* 2d7a9c0e5b13_base.c - fixture revision "merge base" in
 * tests/plugins/merge. The base two branches grow from. It creates one table
 * and drops it again, so database tests can run the set up and down and
 * compare the catalog. */
#include <vhost/sdk.h>

VHOST_REVISION("2d7a9c0e5b13", NULL, "merge base");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_2d7a9c0e5b13 (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_2d7a9c0e5b13");
}
