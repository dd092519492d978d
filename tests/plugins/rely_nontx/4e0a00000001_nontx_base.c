/* 4e0a00000001_nontx_base.c - base of the rely_nontx fixture chain
 * (tests/sh/test_faults.sh): an ordinary transactional revision making the
 * table the non-transactional revision indexes. */
#include <vhost/sdk.h>

VHOST_REVISION("4e0a00000001", NULL, "nontx base");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE rely_n (id int, a int, b int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE rely_n");
}
