/* test_sdk.c - the SDK without a server: formatting and quoting, the
 * offline script, the last-error slot, and what needs a live database. */
#include <CUnit/CUnit.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vh_sdk_host.h"
#include "vh_test.h"

/* A fresh offline context for each test. */
static vh_ctx *ctx;

static void setup(void)
{
	ctx = vh_ctx_new(NULL, "app", "360b16ba22c2", NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
}

static void teardown(void)
{
	vh_ctx_free(ctx);
	ctx = NULL;
}

/* Compares a string the SDK handed out with `want`, then frees it. */
static void check_owned(char *got, const char *want)
{
	CU_ASSERT_PTR_NOT_NULL(got);
	if (got && strcmp(got, want) != 0)
		fprintf(stderr, "\n  got  <%s>\n  want <%s>\n", got, want);
	CU_ASSERT_STRING_EQUAL(got ? got : "", want);
	vh_free(got);
}

static void test_quote_ident(void)
{
	check_owned(vh_quote_ident("users"), "users");
	check_owned(vh_quote_ident("_x1"), "_x1");
	check_owned(vh_quote_ident("type"), "type"); /* unreserved keyword */
	check_owned(vh_quote_ident("Odd Name"), "\"Odd Name\"");
	check_owned(vh_quote_ident("Users"), "\"Users\"");
	check_owned(vh_quote_ident("1a"), "\"1a\"");
	check_owned(vh_quote_ident("a$b"), "\"a$b\""); /* as quote_ident() */
	check_owned(vh_quote_ident("a\"b"), "\"a\"\"b\"");
	check_owned(vh_quote_ident(""), "\"\"");
	/* Reserved, type-or-function and column-name keywords, and both
	 * ends of the table, which bsearch gets wrong first. */
	check_owned(vh_quote_ident("user"), "\"user\"");
	check_owned(vh_quote_ident("select"), "\"select\"");
	check_owned(vh_quote_ident("between"), "\"between\"");
	check_owned(vh_quote_ident("int"), "\"int\"");
	check_owned(vh_quote_ident("all"), "\"all\"");
	check_owned(vh_quote_ident("xmltable"), "\"xmltable\"");
	check_owned(vh_quote_ident("usera"), "usera");
	CU_ASSERT_PTR_NULL(vh_quote_ident(NULL));
}

static void test_quote_literal(void)
{
	check_owned(vh_quote_literal("plain"), "'plain'");
	check_owned(vh_quote_literal(""), "''");
	check_owned(vh_quote_literal("it's"), "'it''s'");
	check_owned(vh_quote_literal("a\\b"), "E'a\\\\b'");
	check_owned(vh_quote_literal("\\'"), "E'\\\\'''");
	check_owned(vh_quote_literal("x'); DROP TABLE t; --"),
		    "'x''); DROP TABLE t; --'");
	check_owned(vh_quote_literal("caf\xc3\xa9"), "'caf\xc3\xa9'");
	CU_ASSERT_PTR_NULL(vh_quote_literal(NULL));
}

static void test_format_every_conversion(void)
{
	char *s = NULL;

	CU_ASSERT_EQUAL(vh_format(ctx, &s, "%I|%I|%I|%I|%L|%L|%L|%L|%s|%d|%ld|%lld|%%|%%I",
				  "plain", "Odd Name", "user", "a\"b", "it's",
				  "a\\b", (const char *)NULL, "", "now()", -5,
				  123456789012L, LLONG_MIN),
			VH_OK);
	check_owned(s, "plain|\"Odd Name\"|\"user\"|\"a\"\"b\"|'it''s'|E'a\\\\b'|"
		       "NULL|''|now()|-5|123456789012|-9223372036854775808|%|%I");

	CU_ASSERT_EQUAL(vh_format(ctx, &s, "no conversions"), VH_OK);
	check_owned(s, "no conversions");
	CU_ASSERT_EQUAL(vh_format(ctx, &s, ""), VH_OK);
	check_owned(s, "");
	CU_ASSERT_EQUAL(vh_format(ctx, &s, "%d%d", INT_MIN, INT_MAX), VH_OK);
	check_owned(s, "-21474836482147483647");
	CU_ASSERT_EQUAL(vh_ctx_statements(ctx), 0);
}

/* Checks that `fmt` is refused with `msg`, and nothing handed out. */
static void check_bad_format(const char *fmt, const char *msg)
{
	char *s = (char *)"untouched";

	CU_ASSERT_EQUAL(vh_format(ctx, &s, fmt, "x", "y"), VH_EINVAL);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_STRING_EQUAL(vh_last_error(ctx)->message, msg);
	CU_ASSERT_STRING_EQUAL(vh_last_error(ctx)->sqlstate, "");
}

static void test_format_bad_conversions(void)
{
	char *s = NULL;

	check_bad_format("SELECT %x", "vh_format: unsupported conversion '%x' in format");
	check_bad_format("SELECT %5d", "vh_format: unsupported conversion '%5' in format");
	check_bad_format("SELECT %u", "vh_format: unsupported conversion '%u' in format");
	check_bad_format("SELECT %lu", "vh_format: unsupported conversion '%lu' in format");
	check_bad_format("SELECT %l", "vh_format: unsupported conversion '%l' in format");
	check_bad_format("SELECT %i", "vh_format: unsupported conversion '%i' in format");
	check_bad_format("SELECT 100%", "vh_format: format ends with a lone '%'");
	check_bad_format("SELECT %\xc3\xa9", "vh_format: unsupported conversion '%\xc3\xa9' in format");

	CU_ASSERT_EQUAL(vh_format(ctx, &s, "%I", (const char *)NULL), VH_EINVAL);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_STRING_EQUAL(vh_last_error(ctx)->message,
			       "vh_format: NULL identifier for %I");
	CU_ASSERT_EQUAL(vh_format(ctx, &s, "%I", ""), VH_EINVAL);
	CU_ASSERT_EQUAL(vh_format(ctx, &s, "%s", (const char *)NULL), VH_EINVAL);
	CU_ASSERT_EQUAL(vh_format(ctx, NULL, "x"), VH_EINVAL);
	CU_ASSERT_EQUAL(vh_format(NULL, &s, "x"), VH_EINVAL);

	/* vh_execf names itself and runs nothing, not even the text before
	 * the bad conversion. */
	CU_ASSERT_EQUAL(vh_execf(ctx, "CREATE TABLE %I (id %x)", "t"), VH_EINVAL);
	CU_ASSERT_STRING_EQUAL(vh_last_error(ctx)->message,
			       "vh_execf: unsupported conversion '%x' in format");
	CU_ASSERT_STRING_EQUAL(vh_ctx_script(ctx), "");
	CU_ASSERT_EQUAL(vh_ctx_statements(ctx), 0);
}

static void test_script_recording(void)
{
	CU_ASSERT_TRUE(vh_is_offline(ctx));
	CU_ASSERT_STRING_EQUAL(vh_ctx_script(ctx), "");
	CU_ASSERT_EQUAL(vh_exec(ctx, "CREATE TABLE t (id int)"), VH_OK);
	CU_ASSERT_EQUAL(vh_exec(ctx, "INSERT INTO t VALUES (1);  \n\n"), VH_OK);
	CU_ASSERT_EQUAL(vh_exec(ctx, " \n\t"), VH_OK); /* nothing to record */
	CU_ASSERT_EQUAL(vh_execf(ctx, "ALTER TABLE t ADD COLUMN %I text DEFAULT %L",
				 "Odd Name", "it's"),
			VH_OK);
	/* A trailing line comment must not swallow the terminator. */
	CU_ASSERT_EQUAL(vh_exec(ctx, "UPDATE t SET id = 2 -- fix;"), VH_OK);
	CU_ASSERT_EQUAL(vh_exec(ctx, "CREATE INDEX ON t (id);\nANALYZE t"), VH_OK);
	/* "--" inside a literal, quoted name or dollar quote is no comment. */
	CU_ASSERT_EQUAL(vh_exec(ctx, "COMMENT ON TABLE t IS 'a -- b'"), VH_OK);
	CU_ASSERT_EQUAL(vh_exec(ctx, "SELECT $x$ -- $x$ AS \"--\""), VH_OK);
	CU_ASSERT_STRING_EQUAL(vh_ctx_script(ctx),
			       "CREATE TABLE t (id int);\n"
			       "INSERT INTO t VALUES (1);\n"
			       "ALTER TABLE t ADD COLUMN \"Odd Name\" text DEFAULT 'it''s';\n"
			       "UPDATE t SET id = 2 -- fix;\n;\n"
			       "CREATE INDEX ON t (id);\nANALYZE t;\n"
			       "COMMENT ON TABLE t IS 'a -- b';\n"
			       "SELECT $x$ -- $x$ AS \"--\";\n");
	CU_ASSERT_EQUAL(vh_ctx_statements(ctx), 7);
	CU_ASSERT_FALSE(vh_ctx_needs_online(ctx, NULL));
	CU_ASSERT_EQUAL(vh_exec(ctx, NULL), VH_EINVAL);
	CU_ASSERT_EQUAL(vh_exec(NULL, "SELECT 1"), VH_EINVAL);
}

static void test_query_needs_online(void)
{
	const char *why = NULL;
	char *v = (char *)"untouched";
	long long n = 42;

	CU_ASSERT_FALSE(vh_ctx_needs_online(ctx, &why));
	CU_ASSERT_STRING_EQUAL(why, "");
	CU_ASSERT_EQUAL(vh_query_value(ctx, &v, "SELECT %L", "x"), VH_EOFFLINE);
	CU_ASSERT_PTR_NULL(v);
	CU_ASSERT_STRING_EQUAL(vh_last_error(ctx)->message,
			       "vh_query_value() needs a live database and cannot "
			       "be rendered offline (--sql)");
	CU_ASSERT_TRUE(vh_ctx_needs_online(ctx, &why));
	CU_ASSERT_STRING_EQUAL(why, "vh_query_value()");

	/* The first reason is the one reported. */
	CU_ASSERT_EQUAL(vh_query_int(ctx, &n, "SELECT 1"), VH_EOFFLINE);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_STRING_EQUAL(vh_last_error(ctx)->message,
			       "vh_query_int() needs a live database and cannot "
			       "be rendered offline (--sql)");
	CU_ASSERT_PTR_NULL(vh_conn(ctx));
	vh_ctx_needs_online(ctx, &why);
	CU_ASSERT_STRING_EQUAL(why, "vh_query_value()");
	CU_ASSERT_STRING_EQUAL(vh_ctx_script(ctx), "");
}

static void test_conn_offline(void)
{
	const char *why = NULL;

	CU_ASSERT_PTR_NULL(vh_conn(ctx));
	CU_ASSERT_TRUE(vh_ctx_needs_online(ctx, &why));
	CU_ASSERT_STRING_EQUAL(why, "vh_conn()");
}

static void test_errors(void)
{
	const vh_error_info *e = vh_last_error(ctx);

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_STRING_EQUAL(e->message, "");
	CU_ASSERT_STRING_EQUAL(e->sqlstate, "");
	CU_ASSERT_STRING_EQUAL(e->statement, "");

	CU_ASSERT_EQUAL(vh_error(ctx, "table %s has %d duplicates", "users", 3),
			VH_ERROR);
	e = vh_last_error(ctx);
	CU_ASSERT_STRING_EQUAL(e->message, "table users has 3 duplicates");
	CU_ASSERT_STRING_EQUAL(e->sqlstate, "");

	vh_ctx_set_error(ctx, "boom", "23505", "INSERT INTO t VALUES (1)");
	e = vh_last_error(ctx);
	CU_ASSERT_STRING_EQUAL(e->message, "boom");
	CU_ASSERT_STRING_EQUAL(e->sqlstate, "23505");
	CU_ASSERT_STRING_EQUAL(e->statement, "INSERT INTO t VALUES (1)");
	vh_ctx_set_error(ctx, NULL, NULL, NULL);
	e = vh_last_error(ctx);
	CU_ASSERT_STRING_EQUAL(e->message, "");
	CU_ASSERT_STRING_EQUAL(e->sqlstate, "");
	CU_ASSERT_STRING_EQUAL(e->statement, "");

	/* NULL contexts are survivable, as the host may hit them in cleanup. */
	CU_ASSERT_PTR_NOT_NULL(vh_last_error(NULL));
	CU_ASSERT_STRING_EQUAL(vh_last_error(NULL)->message, "");
	vh_ctx_free(NULL);
	vh_free(NULL);
}

static void test_accessors(void)
{
	vh_ctx *c2 = vh_ctx_new(NULL, NULL, NULL, NULL, NULL);

	CU_ASSERT_STRING_EQUAL(vh_schema(ctx), "app");
	CU_ASSERT_STRING_EQUAL(vh_revision_id(ctx), "360b16ba22c2");
	CU_ASSERT_TRUE(vh_is_offline(ctx));
	CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
	CU_ASSERT_STRING_EQUAL(vh_schema(c2), "");
	CU_ASSERT_STRING_EQUAL(vh_revision_id(c2), "");
	vh_ctx_free(c2);
}

/* What the log callback saw last. */
static struct {
	int calls;
	vh_log_level level;
	char revision[64];
	char msg[256];
	void *user;
} seen;

static void log_cb(void *user, vh_log_level level, const char *revision,
		   const char *msg)
{
	seen.calls++;
	seen.level = level;
	seen.user = user;
	snprintf(seen.revision, sizeof(seen.revision), "%s", revision);
	snprintf(seen.msg, sizeof(seen.msg), "%s", msg);
}

static void test_log_callback(void)
{
	int token;
	vh_ctx *c2 = vh_ctx_new(NULL, "app", "abc", log_cb, &token);

	CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
	vh_log(c2, VH_LOG_WARNING, "copied %d rows\n", 12);
	CU_ASSERT_EQUAL(seen.calls, 1);
	CU_ASSERT_EQUAL(seen.level, VH_LOG_WARNING);
	CU_ASSERT_PTR_EQUAL(seen.user, &token);
	CU_ASSERT_STRING_EQUAL(seen.revision, "abc");
	CU_ASSERT_STRING_EQUAL(seen.msg, "copied 12 rows");
	vh_ctx_free(c2);
}

/* Without a callback the line goes to stderr as "[<revision>] text", DEBUG
 * dropped; our stderr is pointed at a temporary file around the calls. */
static void test_log_stderr(void)
{
	FILE *tmp = tmpfile();
	int saved = dup(2);
	char text[256] = "";

	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	CU_ASSERT_FATAL(saved >= 0);
	fflush(stderr);
	dup2(fileno(tmp), 2);
	vh_log(ctx, VH_LOG_INFO, "hello %s", "world");
	vh_log(ctx, VH_LOG_DEBUG, "hidden");
	vh_log(ctx, VH_LOG_WARNING, "careful");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	CU_ASSERT(fread(text, 1, sizeof(text) - 1, tmp) > 0);
	CU_ASSERT_STRING_EQUAL(text, "[360b16ba22c2] hello world\n"
				     "[360b16ba22c2] warning: careful\n");
	fclose(tmp);
}

static void add_suites(void)
{
	CU_pSuite s = CU_add_suite_with_setup_and_teardown("sdk (offline)", NULL, NULL,
							    setup, teardown);

	CU_add_test(s, "quote_ident", test_quote_ident);
	CU_add_test(s, "quote_literal", test_quote_literal);
	CU_add_test(s, "format: every conversion", test_format_every_conversion);
	CU_add_test(s, "format: bad conversions", test_format_bad_conversions);
	CU_add_test(s, "script recording", test_script_recording);
	CU_add_test(s, "vh_query_* need a server", test_query_needs_online);
	CU_add_test(s, "vh_conn offline", test_conn_offline);
	CU_add_test(s, "errors", test_errors);
	CU_add_test(s, "accessors", test_accessors);
	CU_add_test(s, "log through the callback", test_log_callback);
	CU_add_test(s, "log to stderr", test_log_stderr);
}

int main(void)
{
	return vh_test_main(add_suites);
}
