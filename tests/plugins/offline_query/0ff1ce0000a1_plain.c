/* 0ff1ce0000a1_plain.c - fixture revision in tests/plugins/offline_query:
 * a base that renders offline, below one that cannot. */
#include <vhost/sdk.h>

VHOST_REVISION("0ff1ce0000a1", NULL, "plain table");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE q_plain (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE q_plain");
}
