/* 01_bad - lint fixture for rule whole-table-dml: triggers whole-table-dml. */
#include <vhost/sdk.h>

VHOST_REVISION("bad", NULL, "triggers whole-table-dml");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "UPDATE big SET b = 0");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "SELECT 1");
}
