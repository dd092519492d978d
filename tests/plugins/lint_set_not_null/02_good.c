/* 02_good - lint fixture for rule set-not-null: fine: a validated CHECK (b IS NOT NULL) first, so SET NOT NULL does not scan. */
#include <vhost/sdk.h>

VHOST_REVISION("good", "bad", "fine: a validated CHECK (b IS NOT NULL) first, so SET NOT NULL does not scan");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big ADD CONSTRAINT big_b_nn CHECK (b IS NOT NULL) NOT VALID;\nALTER TABLE big VALIDATE CONSTRAINT big_b_nn;\nALTER TABLE big ALTER COLUMN b SET NOT NULL");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big ALTER COLUMN b DROP NOT NULL;\nALTER TABLE big DROP CONSTRAINT big_b_nn");
}
