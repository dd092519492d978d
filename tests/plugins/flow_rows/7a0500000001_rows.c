/* 7a0500000001_rows.c - fixture revision in tests/plugins/flow_rows: a table
 * for the sample data (tests/db/flow_rows_sample.sql) to fill. Correct. */
#include <vhost/sdk.h>

VHOST_REVISION("7a0500000001", NULL, "rows table");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE flow_rows (id int PRIMARY KEY, v text)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE flow_rows");
}
