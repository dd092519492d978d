/* d00d5eed0001_first.c - fixture revision "first with this id" in
 * tests/plugins/bad_dup. d00d5eed0001_second declares the same id, so a scan
 * fails. It creates one table and drops it again, so database tests can run
 * the set up and down and compare the catalog. */
#include <vhost/sdk.h>

VHOST_REVISION("d00d5eed0001", NULL, "first with this id");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_d00d5eed0001 (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_d00d5eed0001");
}
