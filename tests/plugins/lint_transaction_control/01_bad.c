/* 01_bad - lint fixture for rule transaction-control: triggers transaction-control. */
#include <vhost/sdk.h>

VHOST_REVISION("bad", NULL, "triggers transaction-control");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "COMMIT;\nCREATE TABLE t_ctl (id integer)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_ctl");
}
