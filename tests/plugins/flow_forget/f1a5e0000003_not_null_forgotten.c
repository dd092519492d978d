/* f1a5e0000003_not_null_forgotten.c - fixture revision in
 * tests/plugins/flow_forget whose downgrade forgets to restore NOT NULL: it
 * puts the default back but not the constraint, so the column differs in
 * nullability only. */
#include <vhost/sdk.h>

VHOST_REVISION("f1a5e0000003", "f1a5e0000002", "qty nullable, downgrade forgets NOT NULL");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE flow_item ALTER COLUMN qty DROP NOT NULL");
}

int downgrade(vh_ctx *ctx)
{
	/* Deliberately wrong: SET NOT NULL is missing. */
	return vh_exec(ctx, "ALTER TABLE flow_item ALTER COLUMN qty SET DEFAULT 0");
}
