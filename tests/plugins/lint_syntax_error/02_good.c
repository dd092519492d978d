/* 02_good - lint fixture for rule syntax-error: fine: spelled right. */
#include <vhost/sdk.h>

VHOST_REVISION("good", "bad", "fine: spelled right");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE typo (id integer)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE typo");
}
