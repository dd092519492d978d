/* f00df00df001_orphan.c - fixture revision "orphan" in
 * tests/plugins/bad_missing_parent. Its parent deadbeef0000 is in no plugin,
 * so a scan fails. It creates one table and drops it again, so database
 * tests can run the set up and down and compare the catalog. */
#include <vhost/sdk.h>

VHOST_REVISION("f00df00df001", "deadbeef0000", "orphan");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_f00df00df001 (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_f00df00df001");
}
