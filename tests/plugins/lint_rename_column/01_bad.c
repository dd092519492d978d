/* 01_bad - lint fixture for rule rename-column: triggers rename-column. */
#include <vhost/sdk.h>

VHOST_REVISION("bad", NULL, "triggers rename-column");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big RENAME COLUMN a TO amount");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big RENAME COLUMN amount TO a");
}
