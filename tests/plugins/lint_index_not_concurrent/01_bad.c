/* 01_bad - lint fixture for rule index-not-concurrent: triggers index-not-concurrent. */
#include <vhost/sdk.h>

VHOST_REVISION("bad", NULL, "triggers index-not-concurrent");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE INDEX big_a_idx ON big (a)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP INDEX big_a_idx");
}
