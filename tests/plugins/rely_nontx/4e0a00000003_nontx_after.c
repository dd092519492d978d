/* 4e0a00000003_nontx_after.c - head of the rely_nontx fixture chain: a
 * transactional revision after the non-transactional one, so tests see a
 * resolved run carry on to head. */
#include <vhost/sdk.h>

VHOST_REVISION("4e0a00000003", "4e0a00000002", "nontx after");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE rely_n3 (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE rely_n3");
}
