/* 01_bad - lint fixture for rule syntax-error: triggers syntax-error. */
#include <vhost/sdk.h>

VHOST_REVISION("bad", NULL, "triggers syntax-error");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREAT TABLE typo (id integer)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "SELECT 1");
}
