/* 02_good - lint fixture for rule unique-constraint-build: fine: the constraint over an index built CONCURRENTLY before. */
#include <vhost/sdk.h>

VHOST_REVISION("good", "bad", "fine: the constraint over an index built CONCURRENTLY before");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big ADD CONSTRAINT big_a_key UNIQUE USING INDEX big_a_uidx");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big DROP CONSTRAINT big_a_key");
}
