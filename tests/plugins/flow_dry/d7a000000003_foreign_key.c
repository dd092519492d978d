/* d7a000000003_foreign_key.c - fixture revision in tests/plugins/flow_dry: a
 * foreign key that existing orphan rows violate (SQLSTATE 23503). */
#include <vhost/sdk.h>

VHOST_REVISION("d7a000000003", "d7a000000002", "child references parent");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE flow_child ADD CONSTRAINT flow_child_parent_fk "
			    "FOREIGN KEY (parent_id) REFERENCES flow_parent (id)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE flow_child DROP CONSTRAINT flow_child_parent_fk");
}
