/* 02_good - lint fixture for rule drop-table: fine: a table the revision made itself. */
#include <vhost/sdk.h>

VHOST_REVISION("good", "bad", "fine: a table the revision made itself");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE staging (id integer);\nDROP TABLE staging");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "SELECT 1");
}
