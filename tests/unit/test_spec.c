/* test_spec.c - the revision-spec parser and formatter (vh_spec.c): every
 * form of Alembic's grammar we accept, and every error with its exact text.
 * Resolving specs against a graph is tested in test_graph.c. */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "vh_error.h"
#include "vh_spec.h"

#include "vh_test.h"

static const unsigned ALL = VH_SPEC_ALLOW_RANGE | VH_SPEC_ALLOW_CURRENT;

/* Parses `text` (not a range) and checks kind, id and step, and that it
 * formats back to `fmt`. */
static void ok(const char *text, unsigned flags, vh_spec_kind kind,
	       const char *rev, long rel, const char *fmt)
{
	vh_spec from, to;
	char buf[128];
	int is_range = -1;

	memset(&from, 0x55, sizeof(from));
	CU_ASSERT_EQUAL_FATAL(vh_spec_parse(text, flags, &from, &to, &is_range), 0);
	CU_ASSERT_EQUAL(is_range, 0);
	CU_ASSERT_EQUAL(from.kind, VH_SPEC_NONE);
	CU_ASSERT_EQUAL(to.kind, kind);
	CU_ASSERT_STRING_EQUAL(to.rev, rev);
	CU_ASSERT_EQUAL(to.relative, rel);
	vh_spec_format(&to, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, fmt);
	if (to.kind != kind || to.relative != rel || strcmp(buf, fmt) != 0)
		fprintf(stderr, "\n  %s: kind %d rel %ld fmt '%s'\n", text, to.kind,
			to.relative, buf);
}

/* Parses and expects failure with exactly `msg`. */
static void bad(const char *text, unsigned flags, int code, const char *msg)
{
	vh_spec from, to;
	int is_range = -1;

	to.kind = VH_SPEC_BASE;
	CU_ASSERT_EQUAL(vh_spec_parse(text, flags, &from, &to, &is_range), code);
	CU_ASSERT_STRING_EQUAL(vh_error_last(), msg);
	if (strcmp(vh_error_last(), msg) != 0)
		fprintf(stderr, "\n  %s:\n  got:  %s\n  want: %s\n", text ? text : "(null)",
			vh_error_last(), msg);
	/* Nothing is written on error. */
	CU_ASSERT_EQUAL(to.kind, VH_SPEC_BASE);
	CU_ASSERT_EQUAL(is_range, -1);
}

/* Parses a range and checks both sides' formatted text. */
static void range(const char *text, const char *want_from, const char *want_to)
{
	vh_spec from, to;
	char a[128], b[128];
	int is_range = 0;

	CU_ASSERT_EQUAL_FATAL(vh_spec_parse(text, ALL, &from, &to, &is_range), 0);
	CU_ASSERT_EQUAL(is_range, 1);
	vh_spec_format(&from, a, sizeof(a));
	vh_spec_format(&to, b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(a, want_from);
	CU_ASSERT_STRING_EQUAL(b, want_to);
}

static void test_symbols(void)
{
	ok("head", 0, VH_SPEC_HEAD, "", 0, "head");
	ok("heads", 0, VH_SPEC_HEADS, "", 0, "heads");
	ok("base", 0, VH_SPEC_BASE, "", 0, "base");
	ok("current", VH_SPEC_ALLOW_CURRENT, VH_SPEC_CURRENT, "", 0, "current");
	ok("head", ALL, VH_SPEC_HEAD, "", 0, "head");
}

static void test_ids(void)
{
	ok("ae1027a6acf", 0, VH_SPEC_REV, "ae1027a6acf", 0, "ae1027a6acf");
	ok("ae10", 0, VH_SPEC_REV, "ae10", 0, "ae10");
	ok("a", 0, VH_SPEC_REV, "a", 0, "a");
	ok("0123456789abcdef0123456789abcdef", 0, VH_SPEC_REV,
	   "0123456789abcdef0123456789abcdef", 0, "0123456789abcdef0123456789abcdef");
	/* Symbols are exact words: these are ids. */
	ok("HEAD", 0, VH_SPEC_REV, "HEAD", 0, "HEAD");
	ok("headx", 0, VH_SPEC_REV, "headx", 0, "headx");
	ok("base_1", 0, VH_SPEC_REV, "base_1", 0, "base_1");
}

static void test_relative(void)
{
	ok("+2", 0, VH_SPEC_CURRENT, "", 2, "+2");
	ok("-1", 0, VH_SPEC_CURRENT, "", -1, "-1");
	ok("-02", 0, VH_SPEC_CURRENT, "", -2, "-2");
	ok("ae10+2", 0, VH_SPEC_REV, "ae10", 2, "ae10+2");
	ok("ae1027a6acf-3", 0, VH_SPEC_REV, "ae1027a6acf", -3, "ae1027a6acf-3");
	ok("head-1", 0, VH_SPEC_HEAD, "", -1, "head-1");
	ok("head+1", 0, VH_SPEC_HEAD, "", 1, "head+1");
	ok("base+3", 0, VH_SPEC_BASE, "", 3, "base+3");
	ok("current-2", VH_SPEC_ALLOW_CURRENT, VH_SPEC_CURRENT, "", -2, "-2");
	ok("current+1", VH_SPEC_ALLOW_CURRENT, VH_SPEC_CURRENT, "", 1, "+1");
	ok("+999999999", 0, VH_SPEC_CURRENT, "", 999999999, "+999999999");
}

static void test_ranges(void)
{
	range("ae10:head", "ae10", "head");
	range("base:heads", "base", "heads");
	range("ae10:", "ae10", "");
	range(":head-1", "", "head-1");
	range("-3:current", "-3", "current");
	range("a1b2+1:c3d4-2", "a1b2+1", "c3d4-2");

	bad("ae10:head", 0, VH_ERR_USAGE, "Range revision not allowed");
	bad("ae10:", VH_SPEC_ALLOW_CURRENT, VH_ERR_USAGE, "Range revision not allowed");
	bad(":", ALL, VH_ERR_USAGE,
	    "Invalid revision spec ':': a range needs a start, an end or both");
	bad("a:b:c", ALL, VH_ERR_USAGE,
	    "Invalid revision spec 'a:b:c': a range has a single ':'");
	bad("ae10:+x", ALL, VH_ERR_USAGE,
	    "Invalid revision spec '+x': expected a number after '+'");
	bad("-0:head", ALL, VH_ERR_USAGE,
	    "Relative revision '-0' must be a non-zero number");

	/* No `from` to fill: a range cannot be accepted. */
	{
		vh_spec to;

		CU_ASSERT_EQUAL(vh_spec_parse("a:b", ALL, NULL, &to, NULL), VH_ERR_USAGE);
		CU_ASSERT_STRING_EQUAL(vh_error_last(), "Range revision not allowed");
		CU_ASSERT_EQUAL(vh_spec_parse("head", 0, NULL, &to, NULL), 0);
		CU_ASSERT_EQUAL(to.kind, VH_SPEC_HEAD);
	}
}

static void test_errors(void)
{
	char longtext[201];

	bad("", 0, VH_ERR_USAGE,
	    "Invalid revision spec '': expected a revision id, head, heads or base");
	bad(NULL, 0, VH_ERR_USAGE,
	    "Invalid revision spec '': expected a revision id, head, heads or base");
	bad("+x", 0, VH_ERR_USAGE, "Invalid revision spec '+x': expected a number after '+'");
	bad("+", 0, VH_ERR_USAGE, "Invalid revision spec '+': expected a number after '+'");
	bad("-", 0, VH_ERR_USAGE, "Invalid revision spec '-': expected a number after '-'");
	bad("head+", 0, VH_ERR_USAGE,
	    "Invalid revision spec 'head+': expected a number after '+'");
	bad("+-1", 0, VH_ERR_USAGE, "Invalid revision spec '+-1': expected a number after '+'");
	bad("head-1-1", 0, VH_ERR_USAGE,
	    "Invalid revision spec 'head-1-1': expected a number after '-'");
	bad("a-b", 0, VH_ERR_USAGE, "Invalid revision spec 'a-b': expected a number after '-'");
	bad("+1x", 0, VH_ERR_USAGE, "Invalid revision spec '+1x': expected a number after '+'");
	bad("-0", 0, VH_ERR_USAGE, "Relative revision '-0' must be a non-zero number");
	bad("+0", 0, VH_ERR_USAGE, "Relative revision '+0' must be a non-zero number");
	bad("head-000", 0, VH_ERR_USAGE,
	    "Relative revision 'head-000' must be a non-zero number");
	bad("+1234567890", 0, VH_ERR_USAGE, "Relative revision '+1234567890' is too large");
	bad("heads-1", 0, VH_ERR_USAGE,
	    "Invalid revision spec 'heads-1': 'heads' is not a single revision and cannot be relative; use 'head-1' or a revision id");
	bad("current", 0, VH_ERR_USAGE,
	    "Invalid revision spec 'current': 'current' is not allowed here; use a revision id, head or base");
	bad("current-1", VH_SPEC_ALLOW_RANGE, VH_ERR_USAGE,
	    "Invalid revision spec 'current-1': 'current' is not allowed here; use a revision id, head or base");
	bad("main@", ALL, VH_ERR_USAGE,
	    "Invalid revision spec 'main@': expected head, base or +N/-N after '@'");
	bad("a@b@head", 0, VH_ERR_USAGE,
	    "Invalid revision spec 'a@b@head': Character(s) '@' not allowed in revision identifier 'b@head'");
	bad("a,b", 0, VH_ERR_USAGE,
	    "Invalid revision spec 'a,b': Character(s) ',' not allowed in revision identifier 'a,b'");
	bad(" head", 0, VH_ERR_USAGE,
	    "Invalid revision spec ' head': revision identifier ' head' contains whitespace or control characters");
	bad("aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd", 0, VH_ERR_USAGE,
	    "Invalid revision spec 'aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd': revision identifier 'aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd' is 40 characters; the version table's VARCHAR(32) holds at most 32");

	memset(longtext, 'a', 200);
	longtext[200] = '\0';
	bad(longtext, ALL, VH_ERR_USAGE,
	    "Invalid revision spec 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...': 200 characters, at most 128");
}

static void test_format(void)
{
	vh_spec s;
	char buf[8];

	memset(&s, 0, sizeof(s));
	s.kind = VH_SPEC_NONE;
	vh_spec_format(&s, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "");

	s.kind = VH_SPEC_REV;
	strcpy(s.rev, "ae1027a6acf");
	s.relative = -12;
	vh_spec_format(&s, buf, sizeof(buf)); /* truncated like snprintf */
	CU_ASSERT_STRING_EQUAL(buf, "ae1027a");
	vh_spec_format(&s, buf, 0); /* writes nothing */
	CU_ASSERT_STRING_EQUAL(buf, "ae1027a");

	s.kind = VH_SPEC_CURRENT;
	s.relative = 0;
	vh_spec_format(&s, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "current");
}

int main(void)
{
	static const vh_test_case tests[] = {
		{"symbols", test_symbols},
		{"ids", test_ids},
		{"relative", test_relative},
		{"ranges", test_ranges},
		{"errors", test_errors},
		{"format", test_format},
	};

	return vh_test_run_cases("spec", tests, sizeof(tests) / sizeof(tests[0]));
}
