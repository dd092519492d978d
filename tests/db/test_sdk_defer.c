/* test_sdk_defer.c - deferred statements (vh_ctx_set_deferred, issue 16):
 * a revision's texts wait for the next sync point and go with the host's
 * prelude and closing statements in one round trip (counted from libpq's
 * protocol trace); a failure anywhere is blamed on the right statement
 * (counted with libpg_query, or by the error's position) and leaves the
 * context failed; query helpers and vh_conn() are sync points. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vh_sdk_host.h"
#include "vh_run_int.h"

#define SDK_TRACE_DB "sdk_defer_db"
#include "sdk_trace.h"

/* The rows of p must be `want` ("1,2,3"); frees the context and empties p
 * for the next test. */
static void rows_then_clear(vh_ctx *ctx, const char *want)
{
	char *got = value("SELECT string_agg(x::text, ',' ORDER BY x) FROM p");

	CU_ASSERT_STRING_EQUAL(got ? got : "(null)", want);
	free(got);
	vh_ctx_free(ctx);
	vh_test_exec(conn, "DELETE FROM p");
}

/* A deferred revision's statements, the prelude and the host's tail go
 * in one round trip, in order. */
static void test_one_round_trip(void)
{
	vh_ctx *ctx = vh_ctx_new(conn, "public", "d1", NULL, NULL);
	size_t bad = 7;

	queries_sent();
	vh_ctx_set_prelude(ctx, "BEGIN;\nINSERT INTO p VALUES (1)", 2, NULL, NULL);
	CU_ASSERT_EQUAL(vh_ctx_set_deferred(ctx, vh_run__count_statements), 0);
	CU_ASSERT_EQUAL(vh_exec(ctx, "INSERT INTO p VALUES (2) -- a comment at the end"), VH_OK);
	CU_ASSERT_EQUAL(vh_exec(ctx, "  \n"), VH_OK); /* white space: nothing */
	CU_ASSERT_EQUAL(vh_execf(ctx, "INSERT INTO p VALUES (%d); INSERT INTO p VALUES (4)", 3),
			VH_OK);
	CU_ASSERT_EQUAL(queries_sent(), 0); /* nothing sent yet */
	CU_ASSERT_EQUAL(vh_ctx_sync(ctx, "INSERT INTO p VALUES (5);\nCOMMIT", 2, NULL, NULL, &bad),
			0);
	CU_ASSERT_EQUAL(bad, (size_t)-1);
	CU_ASSERT_EQUAL(queries_sent(), 1);
	CU_ASSERT_EQUAL(vh_ctx_statements(ctx), 2);
	rows_then_clear(ctx, "1,2,3,4,5");
}

/* A query helper is a sync point: it sends what waits with its own query
 * in one round trip and sees what the deferred statements did. */
static void test_query_syncs(void)
{
	vh_ctx *ctx = vh_ctx_new(conn, "public", "d2", NULL, NULL);
	long long n = -1;

	queries_sent();
	vh_ctx_set_prelude(ctx, "BEGIN", 1, NULL, NULL);
	vh_ctx_set_deferred(ctx, vh_run__count_statements);
	vh_exec(ctx, "INSERT INTO p VALUES (1); INSERT INTO p VALUES (2)");
	CU_ASSERT_EQUAL(vh_query_int(ctx, &n, "SELECT count(*) FROM p"), VH_OK);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(queries_sent(), 1);
	CU_ASSERT_EQUAL(vh_ctx_sync(ctx, "ROLLBACK", 1, NULL, NULL, NULL), 0);
	CU_ASSERT_EQUAL(queries_sent(), 1);
	vh_ctx_free(ctx);
}

/* Runs a deferred "BEGIN" + `a`, `b`, `c` + tail "COMMIT" and checks the
 * statement blamed, the SQLSTATE, and the tail index. */
static void blame(const char *a, const char *b, const char *c, const char *want_stmt,
		  const char *want_state, size_t want_bad)
{
	vh_ctx *ctx = vh_ctx_new(conn, "public", "d3", NULL, NULL);
	size_t bad = 7;
	long long n;
	char *got;

	vh_ctx_set_prelude(ctx, "BEGIN", 1, NULL, NULL);
	vh_ctx_set_deferred(ctx, vh_run__count_statements);
	vh_exec(ctx, a);
	vh_exec(ctx, b);
	vh_exec(ctx, c);
	CU_ASSERT_EQUAL(vh_ctx_sync(ctx, "INSERT INTO p VALUES (9);\nCOMMIT", 2, NULL, NULL, &bad),
			VH_EDB);
	CU_ASSERT_STRING_EQUAL(vh_last_error(ctx)->statement, want_stmt);
	CU_ASSERT_STRING_EQUAL(vh_last_error(ctx)->sqlstate, want_state);
	CU_ASSERT_EQUAL(bad, want_bad);
	CU_ASSERT_TRUE(vh_ctx_failed(ctx));
	/* a failed context sends nothing more */
	queries_sent();
	CU_ASSERT_EQUAL(vh_exec(ctx, "INSERT INTO p VALUES (10)"), VH_EDB);
	CU_ASSERT_EQUAL(vh_query_int(ctx, &n, "SELECT 1"), VH_EDB);
	CU_ASSERT_EQUAL(queries_sent(), 0);
	if (PQtransactionStatus(conn) != PQTRANS_IDLE)
		vh_test_exec(conn, "ROLLBACK");
	got = value("SELECT count(*) FROM p");
	CU_ASSERT_STRING_EQUAL(got ? got : "(null)", "0");
	free(got);
	vh_ctx_free(ctx);
}

static void test_blame(void)
{
	static const char *const ok = "INSERT INTO p VALUES (1)";
	static const char *const dollar =
		"DO $d$BEGIN PERFORM 1; PERFORM 2; RAISE EXCEPTION 'x' USING ERRCODE = 'P0001'; END$d$";

	/* the first, a middle and the last text; no error position: counted */
	blame(dollar, ok, ok, dollar, "P0001", (size_t)-1);
	blame(ok, "SELECT 1; SELECT 1/0; SELECT 2", ok, "SELECT 1; SELECT 1/0; SELECT 2", "22012",
	      (size_t)-1);
	blame(ok, "-- only a comment", "SELECT 1/0", "SELECT 1/0", "22012", (size_t)-1);
	/* by the error's position: an unknown table, a syntax error */
	blame(ok, "SELECT * FROM p_missing", ok, "SELECT * FROM p_missing", "42P01", (size_t)-1);
	blame(ok, ok, "SELECT FROM WHERE", "SELECT FROM WHERE", "42601", (size_t)-1);
	/* the host's tail: its first statement, then the COMMIT */
	blame(ok, "ALTER TABLE p ADD CHECK (x < 5) NOT VALID", ok,
	      "INSERT INTO p VALUES (9);\nCOMMIT", "23514", 0);
	blame(ok,
	      "CREATE TEMP TABLE dp (id int PRIMARY KEY);\n"
	      "CREATE TEMP TABLE d (x int REFERENCES dp DEFERRABLE INITIALLY DEFERRED)",
	      "INSERT INTO d VALUES (42)", "INSERT INTO p VALUES (9);\nCOMMIT", "23503", 1);
}

/* vh_conn() sends what waits and ends deferring: the revision's own libpq
 * calls come after it, and its later vh_exec calls go at once. */
static void test_conn_ends_deferring(void)
{
	vh_ctx *ctx = vh_ctx_new(conn, "public", "d4", NULL, NULL);

	vh_ctx_set_prelude(ctx, "BEGIN", 1, NULL, NULL);
	vh_ctx_set_deferred(ctx, vh_run__count_statements);
	vh_exec(ctx, "INSERT INTO p VALUES (1)");
	queries_sent();
	CU_ASSERT_PTR_EQUAL(vh_conn(ctx), conn);
	CU_ASSERT_EQUAL(queries_sent(), 1);
	vh_test_exec(conn, "INSERT INTO p VALUES (2)");
	CU_ASSERT_EQUAL(vh_exec(ctx, "INSERT INTO p VALUES (3)"), VH_OK);
	CU_ASSERT_EQUAL(queries_sent(), 2);
	CU_ASSERT_EQUAL(vh_ctx_sync(ctx, "COMMIT", 1, NULL, NULL, NULL), 0);
	rows_then_clear(ctx, "1,2,3");
}

static void add_suites(void)
{
	CU_pSuite s = CU_add_suite("sdk deferred statements", suite_init, suite_clean);

	CU_add_test(s, "one round trip", test_one_round_trip);
	CU_add_test(s, "a query helper syncs", test_query_syncs);
	CU_add_test(s, "the statement blamed", test_blame);
	CU_add_test(s, "vh_conn ends deferring", test_conn_ends_deferring);
}

int main(void)
{
	return vh_test_main(add_suites);
}
