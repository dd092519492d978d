/* 7a0000000002_tamper.c - fixture revision "empties the version table" in
 * tests/plugins/run_tamper. It deletes the version table's rows (the default
 * alembic_version, found through the search_path) as another tool might, so
 * the runner's UPDATE matches no row: Alembic's "expected to match one row"
 * error, and the whole revision must be rolled back, not committed. */
#include <vhost/sdk.h>

VHOST_REVISION("7a0000000002", "7a0000000001", "empties the version table");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_run_tamper_2 (id int);\n"
			    "DELETE FROM alembic_version");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_run_tamper_2");
}
