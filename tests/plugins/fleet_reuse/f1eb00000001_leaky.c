/* f1eb00000001_leaky.c - fixture revision in tests/plugins/fleet_reuse,
 * the chain tests/sh/test_fleet_reuse.sh runs over tenants that share a
 * fleet worker's connection. It refuses to run where an earlier tenant's
 * session state is still visible, then leaves such state behind itself:
 * a temporary table holding its schema's name (pg_temp is searched first,
 * whatever search_path says), a session search_path and setting naming its
 * schema, and a prepared statement (the next tenant's PREPARE of the same
 * name would fail).
 * It records the server process it ran on, to count connections. */
#include <vhost/sdk.h>

VHOST_REVISION("f1eb00000001", NULL, "fleet reuse: items, and session state left behind");

int upgrade(vh_ctx *ctx)
{
	static const char *const sql[] = {
		"DO $$ BEGIN "
		"IF to_regclass('pg_temp.fleet_scratch') IS NOT NULL THEN "
		"RAISE EXCEPTION 'leaked: the temporary table of %', "
		"(SELECT owner FROM pg_temp.fleet_scratch LIMIT 1); END IF; "
		"IF coalesce(current_setting('vhost_test.tenant', true), '') <> '' THEN "
		"RAISE EXCEPTION 'leaked: vhost_test.tenant = %', "
		"current_setting('vhost_test.tenant'); END IF; "
		"END $$",
		"CREATE TABLE items (id int PRIMARY KEY, owner text NOT NULL DEFAULT current_schema())",
		"CREATE TABLE who (pid int)",
		"INSERT INTO who VALUES (pg_backend_pid())",
		/* What a careless revision leaves in the session: */
		"CREATE TEMP TABLE fleet_scratch (owner text DEFAULT current_schema())",
		"INSERT INTO fleet_scratch DEFAULT VALUES",
		"SELECT set_config('vhost_test.tenant', current_schema(), false)",
		"SELECT set_config('search_path', current_schema(), false)",
		"PREPARE fleet_reuse_leak AS SELECT 1",
		NULL,
	};
	int rc = VH_OK, i;

	for (i = 0; sql[i] && rc == VH_OK; i++)
		rc = vh_exec(ctx, sql[i]);
	return rc;
}

int downgrade(vh_ctx *ctx)
{
	int rc = vh_exec(ctx, "DROP TABLE who");

	return rc == VH_OK ? vh_exec(ctx, "DROP TABLE items") : rc;
}
