/* 02_good - lint fixture for rule transaction-control: fine: no transaction control. */
#include <vhost/sdk.h>

VHOST_REVISION("good", "bad", "fine: no transaction control");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_ctl (id integer)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_ctl");
}
