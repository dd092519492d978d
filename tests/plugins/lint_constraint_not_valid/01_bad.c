/* 01_bad - lint fixture for rule constraint-not-valid: triggers constraint-not-valid. */
#include <vhost/sdk.h>

VHOST_REVISION("bad", NULL, "triggers constraint-not-valid");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big ADD CONSTRAINT big_other_fk FOREIGN KEY (b) REFERENCES other (id)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big DROP CONSTRAINT big_other_fk");
}
