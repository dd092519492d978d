/* 01_bad - lint fixture for rule drop-index-not-concurrent: triggers drop-index-not-concurrent. */
#include <vhost/sdk.h>

VHOST_REVISION("bad", NULL, "triggers drop-index-not-concurrent");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP INDEX big_i");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE INDEX big_i ON big (a)");
}
