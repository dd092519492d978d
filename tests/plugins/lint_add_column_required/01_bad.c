/* 01_bad - lint fixture for rule add-column-required: triggers add-column-required. */
#include <vhost/sdk.h>

VHOST_REVISION("bad", NULL, "triggers add-column-required");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big ADD COLUMN flag integer NOT NULL");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big DROP COLUMN flag");
}
