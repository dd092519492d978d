/* 01_bad - lint fixture for rule enum-add-value-in-transaction: triggers enum-add-value-in-transaction. */
#include <vhost/sdk.h>

VHOST_REVISION("bad", NULL, "triggers enum-add-value-in-transaction");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TYPE mood ADD VALUE 'sad'");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "SELECT 1");
}
