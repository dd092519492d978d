/* 02_good - lint fixture for rule constraint-not-valid: fine: NOT VALID, to VALIDATE in a later revision. */
#include <vhost/sdk.h>

VHOST_REVISION("good", "bad", "fine: NOT VALID, to VALIDATE in a later revision");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big ADD CONSTRAINT big_other_fk FOREIGN KEY (b) REFERENCES other (id) NOT VALID");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big DROP CONSTRAINT big_other_fk");
}
