/* 01_bad - lint fixture for rule unique-constraint-build: triggers unique-constraint-build. */
#include <vhost/sdk.h>

VHOST_REVISION("bad", NULL, "triggers unique-constraint-build");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big ADD CONSTRAINT big_a_key UNIQUE (a)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big DROP CONSTRAINT big_a_key");
}
