/* 5c0c00000002_table_forgotten.c - fixture revision in tests/plugins/flow_stuck
 * whose downgrade forgets to drop the table its upgrade creates; the upgrade
 * then fails when run again ("already exists"), leaving the schema in no
 * known state, so `vhost test` must stop and say the head was not tested. */
#include <vhost/sdk.h>

VHOST_REVISION("5c0c00000002", "5c0c00000001", "table b, downgrade forgets it");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE flow_stuck_b (id int)");
}

int downgrade(vh_ctx *ctx)
{
	/* Deliberately wrong: DROP TABLE flow_stuck_b is missing. */
	(void)ctx;
	return 0;
}
