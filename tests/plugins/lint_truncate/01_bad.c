/* 01_bad - lint fixture for rule truncate: triggers truncate. */
#include <vhost/sdk.h>

VHOST_REVISION("bad", NULL, "triggers truncate");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "TRUNCATE big");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "SELECT 1");
}
