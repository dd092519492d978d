/* run_util.h - helpers shared by the runner suites (tests/db/test_runner*.c):
 * one scratch database per suite, ini files pointing vhost at it, running
 * vhost with assertions that print what it said, catalog queries, a log of
 * the statements vhost sends to the version table, and JSON read back
 * through PostgreSQL's own parser.
 *
 * Each suite is its own executable built from one .c file, so the helpers
 * are static functions in this header (marked unused: no suite needs all
 * of them). A setup failure ends the program, as in vh_test.c. */
#ifndef RUN_UTIL_H
#define RUN_UTIL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* vasprintf */
#endif

#include <CUnit/CUnit.h>
#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vh_test.h"

#define RT_FN static __attribute__((unused))

/* The suite's database and the test's own connection to it. */
static char rt_db[64];
static PGconn *rt_conn;

/* Ends the program: a fixture that cannot be set up leaves nothing to test. */
RT_FN void rt_die(const char *what)
{
	fflush(stdout);
	fprintf(stderr, "run_util: %s\n", what);
	exit(2);
}

RT_FN char *rt_strdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (!p)
		rt_die("out of memory");
	return p;
}

/* Formats into a new string (caller frees). */
RT_FN char *rt_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
RT_FN char *rt_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		rt_die("out of memory");
	va_end(ap);
	return s;
}

/* Milliseconds on the monotonic clock. */
RT_FN double rt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* ---------------------------------------------------------------------
 * The database
 * --------------------------------------------------------------------- */

/* Creates (recreating) the database `name` ("run_..."), connects to it and
 * makes the version-table log (see rt_vtlog_attach). For a CUnit suite's
 * init function: returns 0. */
RT_FN int rt_open(const char *name)
{
	snprintf(rt_db, sizeof(rt_db), "%s", vh_test_createdb(name));
	rt_conn = vh_test_connect(rt_db);
	if (vh_test_exec(rt_conn,
			 "SET client_min_messages = warning;\n"
			 "CREATE TABLE public.rt_vtlog (id serial PRIMARY KEY, op text NOT NULL);\n"
			 "CREATE FUNCTION public.rt_vtlog_fn() RETURNS trigger LANGUAGE plpgsql AS $$\n"
			 "BEGIN\n"
			 "  INSERT INTO public.rt_vtlog (op) VALUES (CASE TG_OP\n"
			 "    WHEN 'INSERT' THEN 'INSERT ' || NEW.version_num\n"
			 "    WHEN 'UPDATE' THEN 'UPDATE ' || OLD.version_num || '>' || NEW.version_num\n"
			 "    ELSE 'DELETE ' || OLD.version_num END);\n"
			 "  RETURN NULL;\n"
			 "END $$") < 0)
		rt_die("cannot create the version-table log");
	return 0;
}

/* Drops a database (after vhost and our connection left it). */
RT_FN void rt_dropdb(const char *name)
{
	PGconn *c = vh_test_connect("postgres");
	char *sql = rt_fmt("DROP DATABASE IF EXISTS %s WITH (FORCE)", name);

	vh_test_exec(c, sql);
	free(sql);
	PQfinish(c);
}

/* Closes the connection and drops the suite's database: tests leave
 * nothing behind. For a CUnit suite's cleanup function. */
RT_FN int rt_close(void)
{
	PQfinish(rt_conn);
	rt_conn = NULL;
	if (!getenv("VH_TEST_KEEP"))
		rt_dropdb(rt_db);
	return 0;
}

/* The first value of a formatted query's first row on rt_conn as a new
 * string; "" for no row, "(null)" for SQL NULL. A failed query ends the
 * program (vh_test_value). */
RT_FN char *rt_q(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
RT_FN char *rt_q(const char *fmt, ...)
{
	va_list ap;
	char *sql, *v;
	PGresult *res;

	va_start(ap, fmt);
	if (vasprintf(&sql, fmt, ap) < 0)
		rt_die("out of memory");
	va_end(ap);
	res = PQexec(rt_conn, sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "run_util: %s  in: %s\n", PQerrorMessage(rt_conn), sql);
		rt_die("query failed");
	}
	v = rt_strdup(PQntuples(res) == 0 ? "" : PQgetisnull(res, 0, 0) ? "(null)"
									 : PQgetvalue(res, 0, 0));
	PQclear(res);
	free(sql);
	return v;
}

/* Like rt_q for an integer (count(*)); -1 for no row or NULL. */
RT_FN long long rt_n(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
RT_FN long long rt_n(const char *fmt, ...)
{
	va_list ap;
	char *sql, *v;
	long long n;

	va_start(ap, fmt);
	if (vasprintf(&sql, fmt, ap) < 0)
		rt_die("out of memory");
	va_end(ap);
	v = rt_q("%s", sql);
	n = (*v && strcmp(v, "(null)") != 0) ? strtoll(v, NULL, 10) : -1;
	free(v);
	free(sql);
	return n;
}

/* Runs SQL on rt_conn expecting success; a failure ends the program. */
RT_FN void rt_exec(const char *sql)
{
	if (vh_test_exec(rt_conn, sql) < 0)
		rt_die("statement failed");
}

/* 1 when got equals want; otherwise prints both under `what` and returns 0
 * (for CU_ASSERT). */
RT_FN int rt_same(const char *what, const char *got, const char *want)
{
	if (strcmp(got, want) == 0)
		return 1;
	fprintf(stderr, "\n  %s:\n    got  '%s'\n    want '%s'\n", what, got, want);
	return 0;
}

/* Asserts that a formatted query's value is `want`. */
#define RT_EQ(want, ...)                                                       \
	do {                                                                   \
		char *rt__v = rt_q(__VA_ARGS__);                               \
		CU_ASSERT(rt_same(#__VA_ARGS__, rt__v, (want)));               \
		free(rt__v);                                                   \
	} while (0)

/* Asserts that a formatted integer query gives `want`. */
#define RT_NEQ(want, ...)                                                      \
	do {                                                                   \
		long long rt__n = rt_n(__VA_ARGS__), rt__w = (want);           \
		if (rt__n != rt__w)                                            \
			fprintf(stderr, "\n  %s: got %lld, want %lld\n",       \
				#__VA_ARGS__, rt__n, rt__w);                   \
		CU_ASSERT_EQUAL(rt__n, rt__w);                                 \
	} while (0)

/* 1 when `hay` contains `needle`; otherwise prints both and returns 0. */
RT_FN int rt_has(const char *hay, const char *needle)
{
	if (hay && strstr(hay, needle))
		return 1;
	fprintf(stderr, "\n  expected to find '%s' in:\n%s\n", needle, hay ? hay : "(null)");
	return 0;
}

/* The version table's rows, ordered, comma-separated ("" for none).
 * `vt` is the qualified, quoted table name. */
RT_FN char *rt_versions(const char *vt)
{
	return rt_q("SELECT coalesce(string_agg(version_num, ',' ORDER BY version_num), '')"
		    " FROM %s", vt);
}

#define RT_VERSIONS(vt, want)                                                  \
	do {                                                                   \
		char *rt__v = rt_versions(vt);                                 \
		CU_ASSERT(rt_same("rows of " vt, rt__v, (want)));              \
		free(rt__v);                                                   \
	} while (0)

/* 1 when relation `name` (a regclass text, e.g. "lin.t_x") exists. */
RT_FN int rt_exists(const char *name)
{
	return rt_n("SELECT count(*) FROM pg_class WHERE oid = to_regclass('%s')", name) == 1;
}

/* The history table's rows as "direction:revision:outcome" in order. */
RT_FN char *rt_history(const char *ht)
{
	return rt_q("SELECT coalesce(string_agg(direction || ':' || revision || ':' || outcome,"
		    " ',' ORDER BY id), '') FROM %s", ht);
}

#define RT_HISTORY(ht, want)                                                   \
	do {                                                                   \
		char *rt__v = rt_history(ht);                                  \
		CU_ASSERT(rt_same("history in " ht, rt__v, (want)));           \
		free(rt__v);                                                   \
	} while (0)

/* ---------------------------------------------------------------------
 * The version-table log
 * --------------------------------------------------------------------- */

/* Puts a row trigger on version table `vt` (qualified, quoted) that writes
 * every INSERT, UPDATE and DELETE vhost makes into public.rt_vtlog, so the
 * tests see the statements, not just the resulting rows. */
RT_FN void rt_vtlog_attach(const char *vt)
{
	char *sql = rt_fmt("CREATE TRIGGER rt_vtlog AFTER INSERT OR UPDATE OR DELETE ON %s"
			   " FOR EACH ROW EXECUTE FUNCTION public.rt_vtlog_fn()", vt);

	rt_exec(sql);
	free(sql);
}

/* The statements logged since the last call, "INSERT a; UPDATE a>b;
 * DELETE b" ("" for none), and clears the log. Caller frees. */
RT_FN char *rt_vtlog_take(void)
{
	char *v = rt_q("SELECT coalesce(string_agg(op, '; ' ORDER BY id), '') FROM public.rt_vtlog");

	rt_exec("DELETE FROM public.rt_vtlog");
	return v;
}

/* Forgets what was logged so far. */
RT_FN void rt_vtlog_clear(void)
{
	free(rt_vtlog_take());
}

#define RT_VTLOG(want)                                                         \
	do {                                                                   \
		char *rt__v = rt_vtlog_take();                                 \
		CU_ASSERT(rt_same("version-table statements", rt__v, (want))); \
		free(rt__v);                                                   \
	} while (0)

/* Asserts the version table `vt` (in schema `schema`, named `table`) has
 * exactly Alembic's shape: the one column version_num VARCHAR(32) NOT NULL
 * without default, the primary key <table>_pkc on it, and no other
 * constraint or index. */
RT_FN void rt_assert_version_ddl(const char *vt, const char *table)
{
	char *want = rt_fmt("%s_pkc PRIMARY KEY (version_num)", table);

	RT_EQ("version_num character varying(32) not null",
	      "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod)"
	      " || CASE WHEN attnotnull THEN ' not null' ELSE '' END"
	      " || CASE WHEN atthasdef THEN ' default' ELSE '' END, ', ' ORDER BY attnum)"
	      " FROM pg_attribute WHERE attrelid = '%s'::regclass AND attnum > 0"
	      " AND NOT attisdropped", vt);
	RT_EQ(want,
	      "SELECT string_agg(conname || ' ' || pg_get_constraintdef(oid), '; ')"
	      " FROM pg_constraint WHERE conrelid = '%s'::regclass", vt);
	RT_NEQ(1, "SELECT count(*) FROM pg_index WHERE indrelid = '%s'::regclass", vt);
	free(want);
}

/* ---------------------------------------------------------------------
 * Running vhost
 * --------------------------------------------------------------------- */

/* Writes an ini for database `db`: plugin_dir, schema, a short
 * migration_lock_wait (a stuck test fails instead of hanging), an
 * application_name to find vhost's sessions by, and `extra` lines for the
 * [vhost] section. Returns a new string (caller frees). */
RT_FN char *rt_ini_db(const char *db, const char *plugin_dir, const char *schema,
		      const char *extra)
{
	char *body = rt_fmt("[vhost]\nplugin_dir = %s\nschema = %s\nmigration_lock_wait = 20s\n"
			    "%s\n[database]\ndbname = %s\napplication_name = vhost-run-test\n",
			    plugin_dir, schema, extra ? extra : "", db);
	char *path = rt_strdup(vh_test_write_ini(body));

	free(body);
	return path;
}

/* rt_ini_db for the suite's database. */
RT_FN char *rt_ini(const char *plugin_dir, const char *schema, const char *extra)
{
	return rt_ini_db(rt_db, plugin_dir, schema, extra);
}

/* Runs `vhost -c INI ARGS...` (NULL-terminated) with extra environment
 * entries `env` (may be NULL). */
RT_FN vh_test_result rt_vhost_v(const char *const *env, const char *ini, va_list ap)
{
	const char *argv[32];
	size_t n = 0;
	const char *a;

	argv[n++] = "-c";
	argv[n++] = ini;
	while ((a = va_arg(ap, const char *)) != NULL && n < 31)
		argv[n++] = a;
	argv[n] = NULL;
	return vh_test_vhost(env, argv);
}

RT_FN vh_test_result rt_vhost(const char *ini, ...)
{
	va_list ap;
	vh_test_result r;

	va_start(ap, ini);
	r = rt_vhost_v(NULL, ini, ap);
	va_end(ap);
	return r;
}

RT_FN vh_test_result rt_vhost_env(const char *const *env, const char *ini, ...)
{
	va_list ap;
	vh_test_result r;

	va_start(ap, ini);
	r = rt_vhost_v(env, ini, ap);
	va_end(ap);
	return r;
}

/* 1 when the run ended with `status`; otherwise prints what vhost said. */
RT_FN int rt_status(const vh_test_result *r, int status, const char *what)
{
	if (r->status == status)
		return 1;
	fprintf(stderr, "\n  %s: exit %d, want %d\n  stdout: %s\n  stderr: %s\n", what, r->status,
		status, r->out, r->err);
	return 0;
}

/* Runs vhost and asserts exit status 0; frees the result. */
#define RT_OK(ini, ...)                                                        \
	do {                                                                   \
		vh_test_result rt__r = rt_vhost(ini, __VA_ARGS__, NULL);       \
		CU_ASSERT(rt_status(&rt__r, 0, #__VA_ARGS__));                 \
		vh_test_result_free(&rt__r);                                   \
	} while (0)

/* ---------------------------------------------------------------------
 * JSON
 * --------------------------------------------------------------------- */

/* Evaluates `expr` over the document `json` bound as j (a jsonb), e.g.
 * "j->'current'->0->>'revision'", in PostgreSQL: its parser is the judge of
 * whether vhost's output is JSON. Returns a new string: the value, "(null)"
 * for NULL, or "<invalid: message>" when the text does not parse. */
RT_FN char *rt_json(const char *json, const char *expr)
{
	const char *params[1] = {json};
	char *sql = rt_fmt("SELECT (%s)::text FROM (SELECT $1::jsonb AS j) s", expr);
	PGresult *res = PQexecParams(rt_conn, sql, 1, NULL, params, NULL, NULL, 0);
	char *v;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		v = rt_fmt("<invalid: %s>", PQresultErrorMessage(res));
	else
		v = rt_strdup(PQgetisnull(res, 0, 0) ? "(null)" : PQgetvalue(res, 0, 0));
	PQclear(res);
	free(sql);
	return v;
}

#define RT_JSON(json, expr, want)                                              \
	do {                                                                   \
		char *rt__v = rt_json((json), (expr));                         \
		CU_ASSERT(rt_same(expr, rt__v, (want)));                       \
		free(rt__v);                                                   \
	} while (0)

#endif
