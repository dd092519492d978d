/* 4a1f00000001_half_base.c - base of the rely_half fixture chain
 * (tests/sh/test_faults.sh): a table the failing revision writes into. */
#include <vhost/sdk.h>

VHOST_REVISION("4a1f00000001", NULL, "half base");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE rely_h0 (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE rely_h0");
}
