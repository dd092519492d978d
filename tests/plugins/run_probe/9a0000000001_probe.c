/* 9a0000000001_probe.c - fixture revision "probe the session" in
 * tests/plugins/run_probe. It records what a revision sees while it runs
 * (current schema, search_path, lock_timeout, statement_timeout, the
 * advisory locks its session holds) in a table created without a schema
 * name, so the tests can check the runner's settings and that unqualified
 * names land in the target schema, whatever characters its name has. */
#include <vhost/sdk.h>

VHOST_REVISION("9a0000000001", NULL, "probe the session");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx,
		       "CREATE TABLE probe AS SELECT current_schema()::text AS cur_schema,"
		       " current_setting('search_path') AS path,"
		       " current_setting('lock_timeout') AS lock_timeout,"
		       " current_setting('statement_timeout') AS statement_timeout,"
		       " (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
		       "   AND pid = pg_backend_pid() AND granted) AS advisory_locks");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE probe");
}
