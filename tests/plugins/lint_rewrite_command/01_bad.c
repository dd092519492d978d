/* 01_bad - lint fixture for rule rewrite-command: triggers rewrite-command. */
#include <vhost/sdk.h>

VHOST_REVISION("bad", NULL, "triggers rewrite-command");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CLUSTER big USING big_pkey");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "SELECT 1");
}
