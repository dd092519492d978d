/* 7a0000000001_base.c - fixture revision "tamper base" in
 * tests/plugins/run_tamper: the revision the next one starts from. */
#include <vhost/sdk.h>

VHOST_REVISION("7a0000000001", NULL, "tamper base");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_run_tamper (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_run_tamper");
}
