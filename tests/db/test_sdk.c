/* test_sdk.c - the SDK against a live server: statements with odd names
 * checked in the catalog, the query helpers, captured errors, injection
 * attempts, and the test-support helpers the other suites rely on. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vh_sdk_host.h"
#include "vh_test.h"

static PGconn *conn;
static vh_ctx *ctx;

static int suite_init(void)
{
	conn = vh_test_connect(vh_test_createdb("sdk_db"));
	ctx = vh_ctx_new(conn, "public", "5dc0ffee0001", NULL, NULL);
	return ctx ? 0 : -1;
}

static int suite_clean(void)
{
	vh_ctx_free(ctx);
	PQfinish(conn);
	return 0;
}

/* The first value of `sql` run directly (not through the SDK), compared
 * with `want` (NULL for no row or SQL NULL). */
static void check_value(const char *sql, const char *want)
{
	char *got = vh_test_value(conn, sql);

	if (want && (!got || strcmp(got, want) != 0))
		fprintf(stderr, "\n  %s\n  got <%s> want <%s>\n", sql,
			got ? got : "(null)", want);
	if (want) {
		CU_ASSERT_STRING_EQUAL(got ? got : "(null)", want);
	} else {
		CU_ASSERT_PTR_NULL(got);
	}
	free(got);
}

static void test_exec_odd_identifiers(void)
{
	size_t before = vh_ctx_statements(ctx);

	CU_ASSERT_FALSE(vh_is_offline(ctx));
	CU_ASSERT_PTR_EQUAL(vh_conn(ctx), conn);
	CU_ASSERT_EQUAL(vh_execf(ctx, "CREATE TABLE %I (%I int PRIMARY KEY, %I text, %I text)",
				 "Odd Name", "user", "a\"b", "plain"),
			VH_OK);
	check_value("SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute"
		    " WHERE attrelid = '\"Odd Name\"'::regclass AND attnum > 0",
		    "user,a\"b,plain");
	/* Several statements in one call. */
	CU_ASSERT_EQUAL(vh_exec(ctx, "CREATE TABLE t2 (x int);\n"
				     "CREATE INDEX t2_x ON t2 (x);"),
			VH_OK);
	check_value("SELECT indexrelid::regclass::text FROM pg_index"
		    " WHERE indrelid = 't2'::regclass", "t2_x");
	CU_ASSERT_EQUAL(vh_ctx_statements(ctx), before + 2);
	/* Online nothing is recorded and nothing needs flagging. */
	CU_ASSERT_STRING_EQUAL(vh_ctx_script(ctx), "");
	CU_ASSERT_FALSE(vh_ctx_needs_online(ctx, NULL));
}

static void test_literals_round_trip(void)
{
	char *v = NULL;

	CU_ASSERT_EQUAL(vh_execf(ctx, "INSERT INTO %I VALUES (%d, %L, %L), (%ld, %L, %L), (%lld, %L, %L)",
				 "Odd Name", 1, "it's", "x", 2L, "back\\slash", "y",
				 3LL, (const char *)NULL, "z"),
			VH_OK);
	CU_ASSERT_EQUAL(vh_query_value(ctx, &v, "SELECT %I FROM %I WHERE %I = %d",
				       "a\"b", "Odd Name", "user", 1),
			VH_OK);
	CU_ASSERT_STRING_EQUAL(v ? v : "(null)", "it's");
	vh_free(v);
	CU_ASSERT_EQUAL(vh_query_value(ctx, &v, "SELECT %I FROM %I WHERE %I = 2",
				       "a\"b", "Odd Name", "user"),
			VH_OK);
	CU_ASSERT_STRING_EQUAL(v ? v : "(null)", "back\\slash");
	vh_free(v);
	/* SQL NULL is success with *out NULL. */
	v = (char *)"untouched";
	CU_ASSERT_EQUAL(vh_query_value(ctx, &v, "SELECT %I FROM %I WHERE %I = 3",
				       "a\"b", "Odd Name", "user"),
			VH_OK);
	CU_ASSERT_PTR_NULL(v);
}

static void test_query_helpers(void)
{
	long long n = -1;
	char *v = (char *)"untouched";

	CU_ASSERT_EQUAL(vh_query_int(ctx, &n, "SELECT count(*) FROM %I", "Odd Name"), VH_OK);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(vh_query_int(ctx, &n, "SELECT '-9223372036854775808'::int8"), VH_OK);
	CU_ASSERT_EQUAL(n, (-9223372036854775807LL - 1));
	CU_ASSERT_EQUAL(vh_query_int(ctx, &n, "SELECT EXISTS (SELECT 1 FROM %I)", "Odd Name"),
			VH_OK);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(vh_query_int(ctx, &n, "SELECT false"), VH_OK);
	CU_ASSERT_EQUAL(n, 0);

	CU_ASSERT_EQUAL(vh_query_int(ctx, &n, "SELECT 'abc'"), VH_EINVAL);
	CU_ASSERT_STRING_EQUAL(vh_last_error(ctx)->message,
			       "vh_query_int: 'abc' is not an integer");
	CU_ASSERT_EQUAL(vh_query_int(ctx, &n, "SELECT 1.5"), VH_EINVAL);
	CU_ASSERT_EQUAL(vh_query_int(ctx, &n, "SELECT NULL::int"), VH_EINVAL);
	CU_ASSERT_EQUAL(vh_query_int(ctx, &n, "SELECT 99999999999999999999"), VH_EINVAL);

	CU_ASSERT_EQUAL(vh_query_value(ctx, &v, "SELECT 1 WHERE false"), VH_ENOTFOUND);
	CU_ASSERT_PTR_NULL(v);
	CU_ASSERT_STRING_EQUAL(vh_last_error(ctx)->message,
			       "vh_query_value() found no row");
	CU_ASSERT_EQUAL(vh_query_value(ctx, &v, "SET search_path = public"), VH_ENOTFOUND);
	CU_ASSERT_EQUAL(vh_query_int(ctx, &n, "SELECT %q"), VH_EINVAL);
}

static void test_error_capture(void)
{
	const vh_error_info *e;

	CU_ASSERT_EQUAL(vh_exec(ctx, "SELECT * FROM no_such_table"), VH_EDB);
	e = vh_last_error(ctx);
	CU_ASSERT_STRING_EQUAL(e->message, "relation \"no_such_table\" does not exist");
	CU_ASSERT_STRING_EQUAL(e->sqlstate, "42P01");
	CU_ASSERT_STRING_EQUAL(e->statement, "SELECT * FROM no_such_table");

	CU_ASSERT_EQUAL(vh_execf(ctx, "INSERT INTO %I (%I) VALUES (%d)", "Odd Name", "user", 1),
			VH_EDB);
	e = vh_last_error(ctx);
	CU_ASSERT_STRING_EQUAL(e->sqlstate, "23505");
	CU_ASSERT_STRING_EQUAL(e->statement, "INSERT INTO \"Odd Name\" (\"user\") VALUES (1)");
	CU_ASSERT_PTR_NOT_NULL(strstr(e->message, "duplicate key value"));

	/* The query helpers report server errors the same way. */
	CU_ASSERT_EQUAL(vh_query_value(ctx, &(char *){NULL}, "SELECT 1/0"), VH_EDB);
	CU_ASSERT_STRING_EQUAL(vh_last_error(ctx)->sqlstate, "22012");
}

static void test_injection(void)
{
	long long n = 0;
	const char *evil_lit = "x'); DROP TABLE \"Odd Name\"; --";
	const char *evil_bs = "\\'); DROP TABLE \"Odd Name\"; --";
	char *v = NULL;

	/* Through %L the text stays a value, stored as it was written. */
	CU_ASSERT_EQUAL(vh_execf(ctx, "INSERT INTO %I VALUES (%d, %L), (%d, %L)",
				 "Odd Name", 10, evil_lit, 11, evil_bs),
			VH_OK);
	CU_ASSERT_EQUAL(vh_query_value(ctx, &v, "SELECT %I FROM %I WHERE %I = 11",
				       "a\"b", "Odd Name", "user"),
			VH_OK);
	CU_ASSERT_STRING_EQUAL(v ? v : "(null)", evil_bs);
	vh_free(v);
	CU_ASSERT_EQUAL(vh_query_int(ctx, &n, "SELECT count(*) FROM %I WHERE %I = %L",
				     "Odd Name", "a\"b", evil_lit),
			VH_OK);
	CU_ASSERT_EQUAL(n, 1);

	/* Through %I it is one (missing) name, so the statement fails. */
	CU_ASSERT_EQUAL(vh_query_int(ctx, &n, "SELECT count(*) FROM %I",
				     "Odd Name\"; DROP TABLE \"Odd Name\"; --"),
			VH_EDB);
	CU_ASSERT_STRING_EQUAL(vh_last_error(ctx)->sqlstate, "42P01");
	check_value("SELECT to_regclass('\"Odd Name\"') IS NOT NULL", "t");
}

static void test_copy_refused(void)
{
	long long n = 0;

	CU_ASSERT_EQUAL(vh_exec(ctx, "COPY t2 FROM STDIN"), VH_EDB);
	CU_ASSERT_PTR_NOT_NULL(strstr(vh_last_error(ctx)->message, "vh_conn()"));
	CU_ASSERT_EQUAL(vh_exec(ctx, "COPY t2 TO STDOUT"), VH_EDB);
	/* The connection is usable afterwards. */
	CU_ASSERT_EQUAL(vh_query_int(ctx, &n, "SELECT 7"), VH_OK);
	CU_ASSERT_EQUAL(n, 7);
}

/* A connection the server has dropped: the first call sees the server's
 * farewell, the next finds the connection bad and reports 08006. */
static void test_lost_connection(void)
{
	PGconn *c2 = vh_test_connect(PQdb(conn));
	vh_ctx *x = vh_ctx_new(c2, "public", "lost", NULL, NULL);
	char sql[128];

	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(%d, 5000)",
		 PQbackendPID(c2));
	check_value(sql, "t");
	CU_ASSERT_EQUAL(vh_exec(x, "SELECT 1"), VH_EDB);
	CU_ASSERT_STRING_NOT_EQUAL(vh_last_error(x)->message, "");
	CU_ASSERT_EQUAL(vh_exec(x, "SELECT 1"), VH_EDB);
	CU_ASSERT_STRING_EQUAL(vh_last_error(x)->sqlstate, "08006");
	CU_ASSERT_STRING_EQUAL(vh_last_error(x)->statement, "SELECT 1");
	CU_ASSERT_STRING_NOT_EQUAL(vh_last_error(x)->message, "");
	vh_ctx_free(x);
	PQfinish(c2);
}

/* ---------------------------------------------------------------------
 * The support library
 * --------------------------------------------------------------------- */

static void test_support_snapshot(void)
{
	char *a, *b;

	CU_ASSERT_EQUAL(vh_test_exec(conn, "CREATE SCHEMA snap;"
				     " CREATE TYPE snap.mood AS ENUM ('sad', 'ok');"
				     " CREATE TABLE snap.p (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY);"
				     " CREATE TABLE snap.c (id serial, p int NOT NULL"
				     "   REFERENCES snap.p ON DELETE CASCADE, m snap.mood DEFAULT 'ok');"
				     " CREATE UNIQUE INDEX c_p ON snap.c (p);"),
			0);
	a = vh_test_snapshot(conn, "snap");
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_STRING_EQUAL(a,
		"table c\n"
		"sequence c_id_seq\n"
		"table p\n"
		"sequence p_id_seq\n"
		"column c.id integer not null default nextval('snap.c_id_seq'::regclass)\n"
		"column c.p integer not null\n"
		"column c.m snap.mood default 'ok'::snap.mood\n"
		"column p.id integer not null generated always as identity\n"
		"constraint c.c_p_fkey FOREIGN KEY (p) REFERENCES snap.p(id) ON DELETE CASCADE\n"
		"constraint p.p_pkey PRIMARY KEY (id)\n"
		"index c.c_p CREATE UNIQUE INDEX c_p ON snap.c USING btree (p)\n"
		"index p.p_pkey CREATE UNIQUE INDEX p_pkey ON snap.p USING btree (id)\n"
		"enum mood ('sad', 'ok')\n");
	b = vh_test_snapshot(conn, "snap");
	CU_ASSERT_STRING_EQUAL(a, b);
	free(b);
	CU_ASSERT_EQUAL(vh_test_exec(conn, "ALTER TABLE snap.c ALTER m DROP DEFAULT"), 0);
	b = vh_test_snapshot(conn, "snap");
	CU_ASSERT_STRING_NOT_EQUAL(a, b);
	free(a);
	free(b);
	a = vh_test_snapshot(conn, "no_such_schema");
	CU_ASSERT_STRING_EQUAL(a, "");
	free(a);
	/* Prints the server's (expected) error to stderr. */
	CU_ASSERT_EQUAL(vh_test_exec(conn, "SELECT * FROM no_such_table"), -1);
}

static void test_support_sh(void)
{
	vh_test_result r = vh_test_sh("echo out; echo err >&2; exit 3");

	CU_ASSERT_EQUAL(r.status, 3);
	CU_ASSERT_STRING_EQUAL(r.out, "out\n");
	CU_ASSERT_STRING_EQUAL(r.err, "err\n");
	vh_test_result_free(&r);

	/* More than a pipe holds on both streams at once, stdin empty. */
	r = vh_test_sh("cat; head -c 1000000 /dev/zero | tr '\\0' x;"
		       " head -c 700000 /dev/zero | tr '\\0' y >&2");
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_EQUAL(strlen(r.out), 1000000);
	CU_ASSERT_EQUAL(strlen(r.err), 700000);
	vh_test_result_free(&r);

	r = vh_test_sh("kill -TERM $$");
	CU_ASSERT_EQUAL(r.status, 128 + 15);
	vh_test_result_free(&r);
	vh_test_result_free(NULL);
}

static void test_support_files(void)
{
	const char *ini = vh_test_write_ini("[vhost]\nschema = app\n");
	const char *files[] = {NULL, NULL};
	const char *dir;
	char path[512];
	struct stat st;
	vh_test_result r;

	snprintf(path, sizeof(path), "cat '%s'", ini);
	r = vh_test_sh(path);
	CU_ASSERT_STRING_EQUAL(r.out, "[vhost]\nschema = app\n");
	vh_test_result_free(&r);

	files[0] = ini; /* any file will do; absolute paths are taken as is */
	dir = vh_test_plugin_dir(files);
	CU_ASSERT_EQUAL_FATAL(stat(dir, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0755);
	snprintf(path, sizeof(path), "%s/vhost.ini", dir);
	CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0644);
	CU_ASSERT_EQUAL(st.st_size, (off_t)strlen("[vhost]\nschema = app\n"));
}

static void add_suites(void)
{
	CU_pSuite s = CU_add_suite("sdk (online)", suite_init, suite_clean);

	CU_add_test(s, "exec with odd identifiers", test_exec_odd_identifiers);
	CU_add_test(s, "literals round trip", test_literals_round_trip);
	CU_add_test(s, "query helpers", test_query_helpers);
	CU_add_test(s, "error capture", test_error_capture);
	CU_add_test(s, "injection attempts", test_injection);
	CU_add_test(s, "COPY refused", test_copy_refused);
	CU_add_test(s, "lost connection", test_lost_connection);
	CU_add_test(s, "support: snapshot", test_support_snapshot);
	CU_add_test(s, "support: running commands", test_support_sh);
	CU_add_test(s, "support: ini and plugin dir", test_support_files);
}

int main(void)
{
	return vh_test_main(add_suites);
}
