/* Fixture for tests/sh/test_xargs.sh: a data migration that reads its batch
 * size and tenant from `-x`, as Alembic's context.get_x_argument(). */
#include <vhost/sdk.h>

VHOST_REVISION("3c0000000001", NULL, "record the -x arguments");

int upgrade(vh_ctx *ctx)
{
	const char *batch = vh_xarg(ctx, "batch"), *tenant = vh_xarg(ctx, "tenant");

	return vh_execf(ctx, "CREATE TABLE xarg_seen AS SELECT %L::text AS batch, %L::text AS tenant, %L::text AS missing",
			batch, tenant, vh_xarg(ctx, "missing"));
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE xarg_seen");
}
