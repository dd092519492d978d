/* 02_good - lint fixture for rule stored-generated-column: fine: a plain column, filled later. */
#include <vhost/sdk.h>

VHOST_REVISION("good", "bad", "fine: a plain column, filled later");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big ADD COLUMN a2 integer");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big DROP COLUMN a2");
}
