/* 02_alter - lint fixture for the lock trace: ADD COLUMN takes ACCESS
 * EXCLUSIVE, CREATE INDEX takes SHARE, each measured per statement. */
#include <vhost/sdk.h>

VHOST_REVISION("t2", "t1", "alter t");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE t ADD COLUMN c integer;\nCREATE INDEX t_c_idx ON t (c)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP INDEX t_c_idx;\nALTER TABLE t DROP COLUMN c");
}
