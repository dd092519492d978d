/* d7a000000001_tables.c - fixture revision in tests/plugins/flow_dry: two
 * tables with no constraint between them yet, so tests can insert rows that
 * the later revisions' foreign key and NOT NULL will reject (dry runs in
 * tests/db/test_workflow_dry.c). */
#include <vhost/sdk.h>

VHOST_REVISION("d7a000000001", NULL, "parent and child tables");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE flow_parent (id int PRIMARY KEY);\n"
			    "CREATE TABLE flow_child (id int PRIMARY KEY, parent_id int, note text)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE flow_child; DROP TABLE flow_parent");
}
