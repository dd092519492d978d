/* test_sdk_prelude.c - the host's prelude (vh_ctx_set_prelude): it travels
 * in the revision's first round trip, its failures are told apart from the
 * revision's, and a mistake in the revision's text never loses it. Round
 * trips are counted from libpq's protocol trace. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vh_sdk_host.h"

#define SDK_TRACE_DB "sdk_prelude_db"
#include "sdk_trace.h"

/* The prelude and the revision's statement share one round trip; the
 * revision gets its own result, not the prelude's. */
static void test_one_round_trip(void)
{
	vh_ctx *ctx = vh_ctx_new(conn, "public", "p1", NULL, NULL);
	char *v = NULL, *got;

	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	queries_sent();
	CU_ASSERT_EQUAL(vh_ctx_set_prelude(ctx, "BEGIN;\nINSERT INTO p VALUES (1);\nSELECT 'prelude'",
					   3, NULL, NULL), 0);
	CU_ASSERT_TRUE(vh_ctx_prelude_pending(ctx));
	CU_ASSERT_EQUAL(vh_query_value(ctx, &v, "SELECT %L", "mine"), VH_OK);
	CU_ASSERT_STRING_EQUAL(v ? v : "(null)", "mine");
	vh_free(v);
	CU_ASSERT_EQUAL(queries_sent(), 1);
	CU_ASSERT_FALSE(vh_ctx_prelude_pending(ctx));
	CU_ASSERT_FALSE(vh_ctx_prelude_failed(ctx));
	CU_ASSERT_EQUAL(vh_exec(ctx, "INSERT INTO p VALUES (2); COMMIT"), VH_OK);
	CU_ASSERT_EQUAL(queries_sent(), 1);
	got = value("SELECT string_agg(x::text, ',' ORDER BY x) FROM p");
	CU_ASSERT_STRING_EQUAL(got ? got : "(null)", "1,2");
	free(got);
	/* Only the revision's statements count. */
	CU_ASSERT_EQUAL(vh_ctx_statements(ctx), 2);
	vh_ctx_free(ctx);
	vh_test_exec(conn, "DELETE FROM p");
}

/* Text holding no statement still carries the prelude. */
static void test_empty_text(void)
{
	vh_ctx *ctx = vh_ctx_new(conn, "public", "p2", NULL, NULL);
	char *got;

	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	vh_ctx_set_prelude(ctx, "INSERT INTO p VALUES (3)", 1, NULL, NULL);
	CU_ASSERT_EQUAL(vh_exec(ctx, "-- nothing to do"), VH_OK);
	got = value("SELECT count(*) FROM p WHERE x = 3");
	CU_ASSERT_STRING_EQUAL(got ? got : "(null)", "1");
	free(got);
	vh_ctx_free(ctx);
	vh_test_exec(conn, "DELETE FROM p");
}

/* A syntax error in the revision's text makes the server refuse the whole
 * query; the prelude is then sent alone, and the error is the revision's. */
static void test_syntax_error_keeps_prelude(void)
{
	vh_ctx *ctx = vh_ctx_new(conn, "public", "p3", NULL, NULL);
	char *got;

	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	vh_ctx_set_prelude(ctx, "INSERT INTO p VALUES (4)", 1, NULL, NULL);
	queries_sent();
	CU_ASSERT_EQUAL(vh_exec(ctx, "CREATE TABEL nope (x int)"), VH_EDB);
	CU_ASSERT_EQUAL(queries_sent(), 2);
	CU_ASSERT_FALSE(vh_ctx_prelude_failed(ctx));
	CU_ASSERT_STRING_EQUAL(vh_last_error(ctx)->sqlstate, "42601");
	CU_ASSERT_STRING_EQUAL(vh_last_error(ctx)->statement, "CREATE TABEL nope (x int)");
	got = value("SELECT count(*) FROM p WHERE x = 4");
	CU_ASSERT_STRING_EQUAL(got ? got : "(null)", "1");
	free(got);
	vh_ctx_free(ctx);
	vh_test_exec(conn, "DELETE FROM p");
}

/* A prelude statement fails: the revision's text does not run, and the
 * failure is marked as the prelude's. Once as its first statement inside
 * an open transaction (told apart from a refused query by resending), once
 * as a later statement. */
static void test_prelude_fails(void)
{
	vh_ctx *ctx = vh_ctx_new(conn, "public", "p4", NULL, NULL);
	char *got;

	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	CU_ASSERT_EQUAL(vh_test_exec(conn, "BEGIN"), 0);
	vh_ctx_set_prelude(ctx, "SELECT 1 / 0;\nINSERT INTO p VALUES (5)", 2, NULL, NULL);
	CU_ASSERT_EQUAL(vh_exec(ctx, "CREATE TABLE p_not_made (x int)"), VH_EDB);
	CU_ASSERT_TRUE(vh_ctx_prelude_failed(ctx));
	CU_ASSERT_STRING_EQUAL(vh_last_error(ctx)->sqlstate, "22012");
	vh_test_exec(conn, "ROLLBACK");

	vh_ctx_set_prelude(ctx, "BEGIN;\nSELECT 1 / 0", 2, NULL, NULL);
	CU_ASSERT_EQUAL(vh_exec(ctx, "CREATE TABLE p_not_made (x int)"), VH_EDB);
	CU_ASSERT_TRUE(vh_ctx_prelude_failed(ctx));
	CU_ASSERT_STRING_EQUAL(vh_last_error(ctx)->sqlstate, "22012");
	vh_test_exec(conn, "ROLLBACK");
	got = value("SELECT to_regclass('p_not_made') IS NULL");
	CU_ASSERT_STRING_EQUAL(got ? got : "(null)", "t");
	free(got);
	vh_ctx_free(ctx);
}

/* The host's check sees each prelude result; refusing one fails the
 * prelude with the host's message. */
static int refuse_second(void *user, vh_ctx *ctx, size_t index, const PGresult *res)
{
	(*(int *)user)++;
	if (index == 1) {
		vh_ctx_set_error(ctx, "refused by the host", NULL, NULL);
		return -1;
	}
	return res ? 0 : -1;
}

static void test_check(void)
{
	vh_ctx *ctx = vh_ctx_new(conn, "public", "p5", NULL, NULL);
	int calls = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	vh_ctx_set_prelude(ctx, "SELECT 1;\nSELECT 2", 2, refuse_second, &calls);
	CU_ASSERT_EQUAL(vh_exec(ctx, "SELECT 3"), VH_EDB);
	CU_ASSERT_EQUAL(calls, 2);
	CU_ASSERT_TRUE(vh_ctx_prelude_failed(ctx));
	CU_ASSERT_STRING_EQUAL(vh_last_error(ctx)->message, "refused by the host");
	vh_ctx_free(ctx);
}

/* Flushing alone, vh_conn() flushing first, and no prelude offline. */
static void test_flush(void)
{
	vh_ctx *ctx = vh_ctx_new(conn, "public", "p6", NULL, NULL);
	vh_ctx *off = vh_ctx_new(NULL, "public", "p6", NULL, NULL);
	char *got;

	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	CU_ASSERT_PTR_NOT_NULL_FATAL(off);
	CU_ASSERT_EQUAL(vh_ctx_flush_prelude(ctx), 0);
	vh_ctx_set_prelude(ctx, "INSERT INTO p VALUES (6)", 1, NULL, NULL);
	CU_ASSERT_EQUAL(vh_ctx_flush_prelude(ctx), 0);
	CU_ASSERT_FALSE(vh_ctx_prelude_pending(ctx));
	vh_ctx_set_prelude(ctx, "INSERT INTO p VALUES (7)", 1, NULL, NULL);
	CU_ASSERT_PTR_EQUAL(vh_conn(ctx), conn);
	CU_ASSERT_FALSE(vh_ctx_prelude_pending(ctx));
	got = value("SELECT string_agg(x::text, ',' ORDER BY x) FROM p");
	CU_ASSERT_STRING_EQUAL(got ? got : "(null)", "6,7");
	free(got);
	CU_ASSERT_EQUAL(vh_ctx_set_prelude(off, "SELECT 1", 1, NULL, NULL), VH_EINVAL);
	CU_ASSERT_FALSE(vh_ctx_prelude_pending(off));
	vh_ctx_free(ctx);
	vh_ctx_free(off);
	vh_test_exec(conn, "DELETE FROM p");
}

static void add_suites(void)
{
	CU_pSuite s = CU_add_suite("sdk prelude", suite_init, suite_clean);

	CU_add_test(s, "one round trip", test_one_round_trip);
	CU_add_test(s, "empty text", test_empty_text);
	CU_add_test(s, "syntax error keeps the prelude", test_syntax_error_keeps_prelude);
	CU_add_test(s, "prelude fails", test_prelude_fails);
	CU_add_test(s, "host check", test_check);
	CU_add_test(s, "flush", test_flush);
}

int main(void)
{
	return vh_test_main(add_suites);
}
