/* 01_bad - lint fixture for rule drop-column: triggers drop-column. */
#include <vhost/sdk.h>

VHOST_REVISION("bad", NULL, "triggers drop-column");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big DROP COLUMN b");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big ADD COLUMN b integer");
}
