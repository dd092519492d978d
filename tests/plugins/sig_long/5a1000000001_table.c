/* 5a1000000001_table.c - fixture revision "signal table" in
 * tests/plugins/sig_long (tests/sh/test_signals.sh): a quick first
 * revision, so an interrupted run has a previous revision to stay at. */
#include <vhost/sdk.h>

VHOST_REVISION("5a1000000001", NULL, "signal table");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE sig_t (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE sig_t");
}
