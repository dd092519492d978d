/* b1a000000002_fails.c - fixture revision "fails where told" in
 * tests/plugins/run_batch: four statements that the host sends in one
 * round trip with its BEGIN, version row, history row and COMMIT; `-x
 * fail=WHERE` makes one position of that batch fail: `first` (a DO block
 * whose body holds semicolons, no error position), `middle` (the second
 * statement of a multi-statement text, a unique violation), `syntax` (the
 * server refuses the whole message), `version` (a trigger refuses the
 * host's version-table UPDATE), `commit` (a deferred foreign key checked
 * by the COMMIT itself). Without -x it succeeds. */
#include <string.h>
#include <vhost/sdk.h>

VHOST_REVISION("b1a000000002", "b1a000000001", "fails where told");

static int is(const vh_ctx *ctx, const char *where)
{
	const char *v = vh_xarg(ctx, "fail");

	return v && strcmp(v, where) == 0;
}

int upgrade(vh_ctx *ctx)
{
	int rc;

	rc = vh_exec(ctx, is(ctx, "first")
				  ? "DO $x$BEGIN PERFORM 1; RAISE EXCEPTION 'first statement fails' "
				    "USING ERRCODE = 'P0001'; END$x$"
				  : "CREATE TABLE t_batch_two (id int UNIQUE)");
	if (rc == VH_OK)
		rc = vh_exec(ctx, is(ctx, "first") ? "CREATE TABLE t_batch_two (id int UNIQUE)"
						   : "-- a comment, then two statements\n"
						     "INSERT INTO t_batch_two VALUES (1);\n"
						     "INSERT INTO t_batch_two VALUES (2)");
	if (rc == VH_OK && is(ctx, "middle"))
		rc = vh_exec(ctx, "INSERT INTO t_batch_two VALUES (3); INSERT INTO t_batch_two VALUES (1)");
	if (rc == VH_OK && is(ctx, "syntax"))
		rc = vh_exec(ctx, "CREATE TABLE t_batch_syntax (id int");
	if (rc == VH_OK && is(ctx, "version"))
		rc = vh_exec(ctx,
			     "CREATE FUNCTION t_batch_refuse() RETURNS trigger LANGUAGE plpgsql AS\n"
			     "$f$BEGIN RAISE EXCEPTION 'version row refused' USING ERRCODE = 'P0002'; END$f$;\n"
			     "CREATE TRIGGER t_batch_refuse BEFORE UPDATE ON alembic_version\n"
			     "  FOR EACH ROW EXECUTE FUNCTION t_batch_refuse()");
	if (rc == VH_OK && is(ctx, "commit"))
		rc = vh_exec(ctx, "INSERT INTO t_batch_child VALUES (42)");
	if (rc == VH_OK)
		rc = vh_exec(ctx, "CREATE INDEX t_batch_two_i ON t_batch_two (id)");
	return rc;
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_batch_two");
}
