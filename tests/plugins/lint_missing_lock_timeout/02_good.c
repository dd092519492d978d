/* 02_good - lint fixture for rule missing-lock-timeout: fine: SET LOCAL lock_timeout before the ALTER (the test sets lock_timeout = 0). */
#include <vhost/sdk.h>

VHOST_REVISION("good", "bad", "fine: SET LOCAL lock_timeout before the ALTER (the test sets lock_timeout = 0)");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "SET LOCAL lock_timeout = '2s';\nALTER TABLE big ADD COLUMN note text");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big DROP COLUMN note");
}
