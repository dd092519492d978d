/* 01_bad - lint fixture for rule set-not-null: triggers set-not-null. */
#include <vhost/sdk.h>

VHOST_REVISION("bad", NULL, "triggers set-not-null");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big ALTER COLUMN a SET NOT NULL");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big ALTER COLUMN a DROP NOT NULL");
}
