/* b1a000000001_base.c - fixture revision "batch base" in tests/plugins/run_batch:
 * the tables the next revision fails against (a unique key, and a foreign
 * key checked at COMMIT), for tests/sh/test_batch_fail.sh. */
#include <vhost/sdk.h>

VHOST_REVISION("b1a000000001", NULL, "batch base");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_batch_parent (id int PRIMARY KEY);\n"
			    "CREATE TABLE t_batch_child (pid int REFERENCES t_batch_parent\n"
			    "  DEFERRABLE INITIALLY DEFERRED)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_batch_child; DROP TABLE t_batch_parent");
}
