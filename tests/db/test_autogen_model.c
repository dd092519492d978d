/* test_autogen_model.c - autogenerate through the vhost binary and at
 * scale: the Vibesia model equals the schema at head (`vhost check`
 * passes), autogenerating at 3cfc87221979 reproduces ecf5acd6708d, a bad
 * model is reported and leaves nothing behind (not even when vhost is
 * killed mid-load), SET NOT NULL over NULLs is flagged, and a schema of
 * 1,000 tables diffs in seconds. */
#include <CUnit/CUnit.h>
#include <glob.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_autogen_util.h"

#define AG_DB "ag_test_autogen_model"
#define AG_VIB "vibesia_schema"
#define AG_MODEL VHOST_SOURCE_DIR "/conf/models/vibesia.sql"

static PGconn *ag_conn;
static char ag_ini[256];     /* with the Vibesia model */
static char ag_ini_bare[256]; /* without a model */

static double ag_now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* A new plugin dir holding the built Vibesia revisions up to `last`. */
static const char *ag_vibesia_dir(size_t last)
{
	static const char *const chain[] = {"1f0e2d3c4b5a", "360b16ba22c2", "2d12193b6184",
					    "3cfc87221979", "ecf5acd6708d"};
	static char paths[5][512];
	const char *files[6] = {NULL};
	size_t i;

	for (i = 0; i <= last; i++) {
		char pat[512];
		glob_t g;

		snprintf(pat, sizeof(pat), "%s/%s_*.so", VHOST_PLUGIN_DIR, chain[i]);
		if (glob(pat, 0, NULL, &g) != 0 || g.gl_pathc != 1)
			ag_die("no single plugin for", pat);
		snprintf(paths[i], sizeof(paths[i]), "%s", g.gl_pathv[0]);
		globfree(&g);
		files[i] = paths[i];
	}
	return vh_test_plugin_dir(files);
}

static int ag_scratch_left(void)
{
	char *n = vh_test_value(ag_conn, "SELECT count(*) FROM pg_namespace"
					 " WHERE nspname LIKE 'vhost\\_model\\_%'");
	int left = !n || strcmp(n, "0") != 0;

	free(n);
	return left;
}

/* ---------------------------------------------------------------------
 * Vibesia
 * --------------------------------------------------------------------- */

static void test_vibesia(void)
{
	char dir4[512], dir5[512], src[1024], so[1024], *out = NULL, *err = NULL, *text;
	const char *srcdir;
	vh_catalog *at_head, *at_3cfc, *now;
	glob_t g;

	/* At head, the database is the model. (vh_test_plugin_dir's buffer is
	 * reused by the next call, hence the copies.) */
	snprintf(dir5, sizeof(dir5), "%s", ag_vibesia_dir(4));
	CU_ASSERT_FATAL(ag_vhost(ag_ini, AG_VIB, dir5, 0, NULL, "-q", "upgrade", "head") == 0);
	CU_ASSERT(ag_vhost(ag_ini, AG_VIB, dir5, 0, &out, "check", NULL, NULL) == 0);
	CU_ASSERT(out && strcmp(out, "No new upgrade operations detected.\n") == 0);
	free(out);
	at_head = ag_catalog(ag_conn, AG_VIB);

	/* At 3cfc87221979 with only the revisions up to it: one difference. */
	snprintf(dir4, sizeof(dir4), "%s", ag_vibesia_dir(3));
	CU_ASSERT_FATAL(ag_vhost(ag_ini, AG_VIB, dir5, 0, NULL, "-q", "downgrade", "3cfc87221979") == 0);
	at_3cfc = ag_catalog(ag_conn, AG_VIB);
	CU_ASSERT(ag_vhost(ag_ini, AG_VIB, dir4, 1, &out, "check", NULL, NULL) == 1);
	CU_ASSERT(ag_same("vhost check at 3cfc87221979", out,
			  "New upgrade operations detected: [\n"
			  "  modify_nullable users.password_changed_at: NOT NULL -> NULL\n"
			  "]\n"));
	free(out);
	/* The full chain's head is not applied: check says so before diffing. */
	CU_ASSERT(ag_vhost(ag_ini, AG_VIB, dir5, 1, NULL, "check", NULL, NULL) == 1);

	/* revision --autogenerate writes what ecf5acd6708d does. */
	srcdir = vh_test_plugin_dir((const char *const[]){NULL});
	{
		const char *args[] = {"revision", "--autogenerate", "-m", "make password_changed_at nullable",
				      "--rev-id", "a9e0ecf5acd6", "--source-dir", srcdir, NULL};

		CU_ASSERT_FATAL(ag_vhostv(ag_ini, AG_VIB, dir4, 0, &out, &err, args) == 0);
		CU_ASSERT(err && strstr(err, "Detected modify_nullable users.password_changed_at"));
		free(out);
		free(err);
	}
	snprintf(src, sizeof(src), "%s/a9e0ecf5acd6_make_password_changed_at_nullable.c", srcdir);
	snprintf(so, sizeof(so), "%s/a9e0ecf5acd6_make_password_changed_at_nullable.so", dir4);
	text = ag_read(src);
	CU_ASSERT_FATAL(text != NULL);
	CU_ASSERT(strstr(text, "VHOST_REVISION(\"a9e0ecf5acd6\", \"3cfc87221979\"") != NULL);
	CU_ASSERT(strstr(text, "\"ALTER TABLE users ALTER COLUMN password_changed_at DROP NOT NULL\"") != NULL);
	CU_ASSERT(strstr(text, "\"ALTER TABLE users ALTER COLUMN password_changed_at SET NOT NULL\"") != NULL);
	/* SET NOT NULL is flagged for review, in downgrade() only. */
	CU_ASSERT(strstr(text, "int downgrade") && strstr(text, "REVIEW:") > strstr(text, "int downgrade"));
	free(text);
	/* The hand-written revision makes the same change. */
	CU_ASSERT(glob(VHOST_SOURCE_DIR "/plugins/vibesia/ecf5acd6708d_*.c", 0, NULL, &g) == 0);
	text = g.gl_pathc ? ag_read(g.gl_pathv[0]) : NULL;
	globfree(&g);
	CU_ASSERT(text && strstr(text, "ALTER COLUMN password_changed_at DROP NOT NULL"));
	free(text);

	/* Built and run, it lands exactly where ecf5acd6708d does, and back. */
	CU_ASSERT_FATAL(ag_compile(src, so) == 0);
	CU_ASSERT_FATAL(ag_vhost(ag_ini, AG_VIB, dir4, 0, NULL, "-q", "upgrade", "head") == 0);
	now = ag_catalog(ag_conn, AG_VIB);
	if (!vh_catalog_equal(at_head, now)) {
		vh_catalog_diff(stderr, at_head, now, "    ");
		CU_FAIL("the generated revision differs from ecf5acd6708d");
	}
	vh_catalog_free(now);
	CU_ASSERT(ag_vhost(ag_ini, AG_VIB, dir4, 0, NULL, "-q", "check", NULL) == 0);
	CU_ASSERT_FATAL(ag_vhost(ag_ini, AG_VIB, dir4, 0, NULL, "-q", "downgrade", "-1") == 0);
	now = ag_catalog(ag_conn, AG_VIB);
	CU_ASSERT(vh_catalog_equal(at_3cfc, now));
	vh_catalog_free(now);

	/* Not at the head the new revision would revise: refused. */
	CU_ASSERT_FATAL(ag_vhost(ag_ini, AG_VIB, dir4, 0, NULL, "-q", "downgrade", "-1") == 0);
	{
		const char *args[] = {"revision", "--autogenerate", "-m", "x", "--source-dir", srcdir, NULL};

		CU_ASSERT(ag_vhostv(ag_ini, AG_VIB, dir4, 1, NULL, &err, args) == 1);
		CU_ASSERT(err && strstr(err, "Target database is not up to date"));
		free(err);
		/* Without a model: a usage error naming the setting. */
		CU_ASSERT(ag_vhostv(ag_ini_bare, AG_VIB, dir4, 2, NULL, &err, args) == 2);
		CU_ASSERT(err && strstr(err, "no model configured"));
		free(err);
	}
	/* Without a model, check is only about the head. */
	CU_ASSERT(ag_vhost(ag_ini_bare, AG_VIB, dir4, 0, NULL, "-q", "upgrade", "head") == 0);
	CU_ASSERT(ag_vhost(ag_ini_bare, AG_VIB, dir4, 0, &out, "check", NULL, NULL) == 0);
	CU_ASSERT(out && strstr(out, "Database is at head"));
	free(out);
	CU_ASSERT(!ag_scratch_left());
	vh_catalog_free(at_head);
	vh_catalog_free(at_3cfc);
}

/* ---------------------------------------------------------------------
 * Bad models
 * --------------------------------------------------------------------- */

/* Runs vh_autogen_diff with `model`; returns its message, or NULL when it
 * succeeded. Static buffer. */
static const char *ag_diff_error(const char *schema, const char *model)
{
	static char msg[1024];
	vh_diff *up = NULL, *down = NULL;
	int rc = vh_autogen_diff(&up, &down, ag_conn, schema, model, ag_exclude);

	vh_diff_free(up);
	vh_diff_free(down);
	snprintf(msg, sizeof(msg), "%s", vh_error_last());
	return rc < 0 ? msg : NULL;
}

/* Models that state privileges outside their own schema, and what each
 * is refused with. */
static const char *const acl_models[][2] = {
	{"-- another schema\nGRANT USAGE ON SCHEMA ag_bad, public TO PUBLIC;",
	 "schema_acl.sql:3: GRANT names schema \"public\", not the model's own (ag_bad)"},
	{"ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC;",
	 "schema_acl.sql:2: ALTER DEFAULT PRIVILEGES without IN SCHEMA"},
	{"DO $$BEGIN EXECUTE 'GRANT USAGE ON SCHEMA ag_bad TO PUBLIC'; END$$;",
	 "changes the privileges of schema ag_bad, outside its scratch"},
	{"DO $$BEGIN EXECUTE 'ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC'; END$$;",
	 "on tables in the database, outside its scratch schema"},
	{"GRANT USAGE ON SCHEMA ag_bad TO vh_no_such_role;",
	 "schema_acl.sql:2: role \"vh_no_such_role\" does not exist"},
};

static void test_bad_models(void)
{
	const char *dir = vh_test_plugin_dir((const char *const[]){NULL}), *msg;
	char path[512];

	ag_load(ag_conn, "ag_bad", "CREATE TABLE t (a integer)");
	/* A directory is read in name order; an error names the file and line. */
	snprintf(path, sizeof(path), "%s/01_good.sql", dir);
	ag_write(path, "CREATE TABLE t (a integer);\n");
	snprintf(path, sizeof(path), "%s/02_bad.sql", dir);
	ag_write(path, "-- a comment\nCREATE TABLE u (b integer);\nCREATE TABEL v (c integer);\n");
	msg = ag_diff_error("ag_bad", dir);
	CU_ASSERT(msg && strstr(msg, "02_bad.sql:3: syntax error"));
	if (msg && !strstr(msg, "02_bad.sql:3: syntax error"))
		fprintf(stderr, "\n  got: %s\n", msg);
	CU_ASSERT(!ag_scratch_left());

	/* COMMIT would make the scratch schema permanent: refused, removed. */
	snprintf(path, sizeof(path), "%s/commit.sql", dir);
	ag_write(path, "CREATE TABLE t (a integer);\nCOMMIT;\nCREATE TABLE after_commit (x integer);\n");
	msg = ag_diff_error("ag_bad", path);
	CU_ASSERT(msg && strstr(msg, "ends the transaction"));
	CU_ASSERT(!ag_scratch_left());
	CU_ASSERT(!vh_test_value(ag_conn, "SELECT to_regclass('public.after_commit')"));
	/* ... also when what follows the COMMIT fails. */
	ag_write(path, "CREATE TABLE t (a integer);\nCOMMIT;\nCREATE TABEL u (x integer);\n");
	msg = ag_diff_error("ag_bad", path);
	CU_ASSERT(msg && strstr(msg, "commit.sql:3: syntax error"));
	CU_ASSERT(!ag_scratch_left());
	{
		char *sp = vh_test_value(ag_conn, "SHOW search_path");

		CU_ASSERT(sp && strcmp(sp, "\"$user\", public") == 0);
		free(sp);
	}

	/* Qualified DDL would land outside the scratch schema. */
	snprintf(path, sizeof(path), "%s/qualified.sql", dir);
	ag_write(path, "CREATE TABLE t (a integer);\nCREATE TABLE ag_bad.leak (x integer);\n");
	msg = ag_diff_error("ag_bad", path);
	CU_ASSERT(msg && strstr(msg, "outside its scratch schema (ag_bad.leak)"));
	CU_ASSERT(!vh_test_value(ag_conn, "SELECT to_regclass('ag_bad.leak')"));
	CU_ASSERT(!ag_scratch_left());

	/* The schema's own privileges: a model names its own schema there and
	 * no other, ALTER DEFAULT PRIVILEGES says IN SCHEMA, and a DO block
	 * that changes privileges outside the scratch schema is refused. The
	 * target keeps its privileges through all of it. */
	snprintf(path, sizeof(path), "%s/schema_acl.sql", dir);
	for (size_t i = 0; i < sizeof(acl_models) / sizeof(*acl_models); i++) {
		char text[512];

		snprintf(text, sizeof(text), "CREATE TABLE t (a integer);\n%s\n", acl_models[i][0]);
		ag_write(path, text);
		msg = ag_diff_error("ag_bad", path);
		CU_ASSERT(msg && strstr(msg, acl_models[i][1]));
		if (!msg || !strstr(msg, acl_models[i][1]))
			fprintf(stderr, "\n  got: %s\n", msg ? msg : "(no error)");
	}
	CU_ASSERT(!vh_test_value(ag_conn, "SELECT nspacl FROM pg_namespace WHERE nspname = 'ag_bad'"));
	CU_ASSERT(!ag_scratch_left());

	/* A missing model is a usage error naming it. */
	msg = ag_diff_error("ag_bad", "/nonexistent/model.sql");
	CU_ASSERT(msg && strstr(msg, "cannot read the model /nonexistent/model.sql"));
}

/* SET NOT NULL over a column that holds NULLs says so in its review. */
static void test_nulls_flagged(void)
{
	const char *dir = vh_test_plugin_dir((const char *const[]){NULL});
	vh_diff *up = NULL, *down = NULL;
	char path[512];

	ag_load(ag_conn, "ag_nulls", "CREATE TABLE t (a text, b text); INSERT INTO t VALUES (NULL, 'x')");
	snprintf(path, sizeof(path), "%s/model.sql", dir);
	ag_write(path, "CREATE TABLE t (a text NOT NULL, b text NOT NULL);\n");
	CU_ASSERT_FATAL(vh_autogen_diff(&up, &down, ag_conn, "ag_nulls", path, ag_exclude) == 0);
	CU_ASSERT_FATAL(up->nops == 2);
	CU_ASSERT(strcmp(up->ops[0].object, "a") == 0 && up->ops[0].review &&
		  strstr(up->ops[0].review, "holds NULLs in the database now"));
	CU_ASSERT(strcmp(up->ops[1].object, "b") == 0 && up->ops[1].review &&
		  !strstr(up->ops[1].review, "holds NULLs in the database now"));
	vh_diff_free(up);
	vh_diff_free(down);
}

/* vhost killed while the model loads: the scratch schema was never
 * committed, so no other session ever sees it, and it is gone for good once
 * the server notices. */
static void test_killed(void)
{
	/* One revision, stamped: `check` needs revisions (an empty plugin
	 * directory is an error, issue 20) and the database at head before it
	 * loads the model. */
	const char *dir = vh_test_plugin_dir((const char *const[]){"linear/3b8e1f0c9a21_first.so", NULL});
	char model[512], ini[256], body[1024], cmd[2048], *seen = NULL;
	pid_t pid;
	int i, status;

	snprintf(model, sizeof(model), "%s/slow.sql", dir);
	ag_write(model, "CREATE TABLE k (x integer);\nSELECT pg_sleep(1.5);\n");
	snprintf(body, sizeof(body), "[vhost]\nmodel = %s\nschema = ag_killed\n[database]\ndbname = %s\n",
		 model, AG_DB);
	snprintf(ini, sizeof(ini), "%s", vh_test_write_ini(body));
	snprintf(cmd, sizeof(cmd), "'%s' -q -c '%s' --plugin-dir '%s' stamp head", VHOST_BIN, ini, dir);
	CU_ASSERT_FATAL(system(cmd) == 0);
	if ((pid = fork()) == 0) {
		execl(VHOST_BIN, VHOST_BIN, "-q", "-c", ini, "--plugin-dir", dir, "check", (char *)NULL);
		_exit(127);
	}
	CU_ASSERT_FATAL(pid > 0);
	for (i = 0; i < 100 && !seen; i++) {
		seen = vh_test_value(ag_conn, "SELECT pid FROM pg_stat_activity WHERE query LIKE"
					      " '%pg_sleep(1.5)%' AND pid <> pg_backend_pid()"
					      " AND datname = current_database()");
		if (!seen)
			usleep(20000);
	}
	CU_ASSERT(seen != NULL);
	/* Mid-load: the schema exists in vhost's transaction only. */
	CU_ASSERT(!ag_scratch_left());
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	CU_ASSERT(WIFSIGNALED(status));
	/* The backend finds its client gone after the sleep and rolls back. */
	for (i = 0; i < 250 && seen; i++) {
		char sql[128], *still;

		snprintf(sql, sizeof(sql), "SELECT 1 FROM pg_stat_activity WHERE pid = %s", seen);
		still = vh_test_value(ag_conn, sql);
		if (!still) {
			free(seen);
			seen = NULL;
		}
		free(still);
		if (seen)
			usleep(20000);
	}
	CU_ASSERT(seen == NULL);
	free(seen);
	CU_ASSERT(!ag_scratch_left());
	CU_ASSERT(!vh_test_value(ag_conn, "SELECT 1 FROM pg_class WHERE relname = 'k'"));
}

/* ---------------------------------------------------------------------
 * Scale
 * --------------------------------------------------------------------- */

/* 1,000 tables with a primary key, a unique constraint, a check, a foreign
 * key to the previous table, an index and a comment; `changed` adds a
 * column to every 100th. Caller frees. */
static char *ag_big_sql(int changed)
{
	size_t cap = 1 << 20, len = 0;
	char *s = malloc(cap), ref[64];
	int i;

	for (i = 0; i < 1000; i++) {
		if (cap - len < 1024 && !(s = realloc(s, cap *= 2)))
			ag_die("out of memory", NULL);
		ref[0] = '\0';
		if (i)
			snprintf(ref, sizeof(ref), " REFERENCES t%04d (id)", i - 1);
		len += (size_t)snprintf(
			s + len, cap - len,
			"CREATE TABLE t%04d (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
			" parent_id bigint%s, name text NOT NULL DEFAULT 'n' UNIQUE,"
			" qty integer NOT NULL CHECK (qty >= 0), created_at timestamptz DEFAULT now()%s);\n"
			"CREATE INDEX t%04d_parent_idx ON t%04d (parent_id);\n"
			"COMMENT ON TABLE t%04d IS 'table %d';\n",
			i, ref, changed && i % 100 == 0 ? ", extra text" : "", i, i, i, i);
	}
	return s;
}

static void test_thousand_tables(void)
{
	const char *dir = vh_test_plugin_dir((const char *const[]){NULL});
	vh_diff *up = NULL, *down = NULL;
	vh_ischema *s = NULL;
	char path[512], *db_sql = ag_big_sql(0), *model = ag_big_sql(1);
	double t0, t_diff, t_intro;

	ag_load(ag_conn, "ag_big", db_sql);
	snprintf(path, sizeof(path), "%s/big.sql", dir);
	ag_write(path, model);
	free(db_sql);
	free(model);

	t0 = ag_now();
	CU_ASSERT_FATAL(vh_introspect(&s, ag_conn, "ag_big", ag_exclude) == 0);
	t_intro = ag_now() - t0;
	CU_ASSERT(s->ntables == 1000);
	vh_ischema_free(s);

	t0 = ag_now();
	CU_ASSERT_FATAL(vh_autogen_diff(&up, &down, ag_conn, "ag_big", path, ag_exclude) == 0);
	t_diff = ag_now() - t0;
	CU_ASSERT(up->nops == 10 && down->nops == 10);
	fprintf(stderr, "\n  1,000 tables: introspection %.0f ms, whole diff (model load included) %.2f s\n",
		t_intro * 1000, t_diff);
	/* The figures go to docs/benchmarks.md; machines here are shared and
	 * noisy, so speed is measured there, never asserted in a test. */
	vh_diff_free(up);
	vh_diff_free(down);
	vh_test_exec(ag_conn, "DROP SCHEMA ag_big CASCADE");
}

/* ---------------------------------------------------------------------
 * Suite
 * --------------------------------------------------------------------- */

static int ag_setup(void)
{
	char body[512];

	ag_conn = vh_test_connect(vh_test_createdb(AG_DB));
	vh_test_exec(ag_conn, "SET client_min_messages = warning");
	snprintf(body, sizeof(body), "[vhost]\nmodel = %s\n[database]\ndbname = %s\n", AG_MODEL, AG_DB);
	snprintf(ag_ini, sizeof(ag_ini), "%s", vh_test_write_ini(body));
	snprintf(body, sizeof(body), "[database]\ndbname = %s\n", AG_DB);
	snprintf(ag_ini_bare, sizeof(ag_ini_bare), "%s", vh_test_write_ini(body));
	return 0;
}

static int ag_teardown(void)
{
	PQfinish(ag_conn);
	ag_dropdb(AG_DB);
	return 0;
}

static void ag_add_suites(void)
{
	CU_pSuite s = CU_add_suite("autogen model", ag_setup, ag_teardown);

	CU_add_test(s, "vibesia model and ecf5acd6708d", test_vibesia);
	CU_add_test(s, "bad models", test_bad_models);
	CU_add_test(s, "SET NOT NULL over NULLs", test_nulls_flagged);
	CU_add_test(s, "killed mid-load", test_killed);
	CU_add_test(s, "1,000 tables", test_thousand_tables);
}

int main(void)
{
	return vh_test_main(ag_add_suites);
}
