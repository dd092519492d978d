/* 02_good - lint fixture for rule rename-column: fine: the new column next to the old one. */
#include <vhost/sdk.h>

VHOST_REVISION("good", "bad", "fine: the new column next to the old one");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big ADD COLUMN amount integer");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big DROP COLUMN amount");
}
