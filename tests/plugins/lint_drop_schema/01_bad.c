/* 01_bad - lint fixture for rule drop-schema: triggers drop-schema. */
#include <vhost/sdk.h>

VHOST_REVISION("bad", NULL, "triggers drop-schema");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP SCHEMA legacy CASCADE");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE SCHEMA legacy");
}
