/* 02_good - lint fixture for rule drop-column: fine: a column of a table created in the same revision. */
#include <vhost/sdk.h>

VHOST_REVISION("good", "bad", "fine: a column of a table created in the same revision");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE staging (id integer, scratch integer);\nALTER TABLE staging DROP COLUMN scratch");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE staging");
}
