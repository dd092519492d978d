/* 0ff1ce000005_join.c - fixture revision in tests/plugins/offline_graph:
 * the merge of left and right (DELETE + UPDATE of the version table going
 * up, INSERT + UPDATE going down), with a statement of its own. */
#include <vhost/sdk.h>

VHOST_REVISION("0ff1ce000005", "0ff1ce000003,0ff1ce000004", "join left and right");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE VIEW both_sides AS "
			    "SELECT l.id FROM left_side l JOIN right_side r USING (id)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP VIEW both_sides");
}
