/* 01_bad - lint fixture for rule rename-table: triggers rename-table. */
#include <vhost/sdk.h>

VHOST_REVISION("bad", NULL, "triggers rename-table");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big RENAME TO huge");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE huge RENAME TO big");
}
