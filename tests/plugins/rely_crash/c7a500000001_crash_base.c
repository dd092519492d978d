/* c7a500000001_crash_base.c - base of the rely_crash fixture chain
 * (tests/sh/test_faults.sh, test_badinput.sh): an ordinary revision, so the
 * crashing one has a committed parent to fall back to. */
#include <vhost/sdk.h>

VHOST_REVISION("c7a500000001", NULL, "crash base");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE rely_c0 (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE rely_c0");
}
