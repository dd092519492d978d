/* a2a000000002_alter.c - fixture revision "alter locked table" in
 * tests/plugins/run_lock: ALTER TABLE needs an ACCESS EXCLUSIVE lock, so it
 * waits on any session holding even ACCESS SHARE on the table and hits
 * lock_timeout. */
#include <vhost/sdk.h>

VHOST_REVISION("a2a000000002", "a2a000000001", "alter locked table");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE t_run_lock ADD COLUMN added int");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE t_run_lock DROP COLUMN added");
}
