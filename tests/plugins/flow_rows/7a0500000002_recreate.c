/* 7a0500000002_recreate.c - fixture revision in tests/plugins/flow_rows whose
 * downgrade drops and recreates the table instead of dropping the column:
 * the schema comes back exactly, the rows do not. Only the row-count check
 * of `vhost test`, with sample data loaded, catches it. */
#include <vhost/sdk.h>

VHOST_REVISION("7a0500000002", "7a0500000001", "add column w, downgrade loses the rows");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE flow_rows ADD COLUMN w int");
}

int downgrade(vh_ctx *ctx)
{
	/* Deliberately wrong: ALTER TABLE flow_rows DROP COLUMN w keeps the rows. */
	return vh_exec(ctx, "DROP TABLE flow_rows; CREATE TABLE flow_rows (id int PRIMARY KEY, v text)");
}
