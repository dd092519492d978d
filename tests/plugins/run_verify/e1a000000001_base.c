/* e1a000000001_base.c - fixture revision "verify base" in
 * tests/plugins/run_verify: the revision that stays applied when the next
 * one's verify() fails. */
#include <vhost/sdk.h>

VHOST_REVISION("e1a000000001", NULL, "verify base");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_run_verify_base (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_run_verify_base");
}
