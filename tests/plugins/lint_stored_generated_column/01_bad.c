/* 01_bad - lint fixture for rule stored-generated-column: triggers stored-generated-column. */
#include <vhost/sdk.h>

VHOST_REVISION("bad", NULL, "triggers stored-generated-column");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big ADD COLUMN a2 integer GENERATED ALWAYS AS (a * 2) STORED");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big DROP COLUMN a2");
}
