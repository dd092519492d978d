/* 02_good - lint fixture for rule enum-add-value-in-transaction: fine: the same statement in a non-transactional revision. */
#include <vhost/sdk.h>

VHOST_REVISION("good", "bad", "fine: the same statement in a non-transactional revision");
VHOST_NON_TRANSACTIONAL();

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TYPE mood ADD VALUE 'sad'");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "SELECT 1");
}
