/* 01_bad - lint fixture for rule column-type-change: triggers column-type-change. */
#include <vhost/sdk.h>

VHOST_REVISION("bad", NULL, "triggers column-type-change");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big ALTER COLUMN a TYPE bigint");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big ALTER COLUMN a TYPE integer");
}
