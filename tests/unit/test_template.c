/* test_template.c - the revision template (vh_template.c): Alembic's slugs
 * and file names, C-literal escaping, ids, rendering with defaults and with
 * the bodies autogenerate passes, line removal, template errors, and reading
 * VHOST_REVISION back from sources. That the rendered file compiles and
 * loads is tests/sh/test_authoring.sh's job. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "vh_error.h"
#include "vh_source.h"
#include "vh_template.h"
#include "vh_test.h"

static void slug_is(const char *msg, const char *want)
{
	char *s = vh_template_slug(msg);

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(s, want);
	if (strcmp(s, want) != 0)
		fprintf(stderr, "\n  slug(%s) = '%s', want '%s'\n", msg ? msg : "NULL", s, want);
	free(s);
}

static void test_slug(void)
{
	char *name = NULL;

	slug_is("add nickname to users", "add_nickname_to_users");
	/* non-ASCII letters transliterated, not dropped (issue 20) */
	slug_is("add caf\xc3\xa9 and \xc3\xbcn\xc3\xaf" "code", "add_cafe_and_unicode");
	slug_is("Stra\xc3\x9f" "e \xe6\x97\xa5\xe6\x9c\xac", "strasse");
	slug_is("  Add  \"Nick\"-name!  ", "add_nick_name");
	slug_is("snake_case stays", "snake_case_stays");
	/* The Vibesia file names: cut at the last '_' before 40, then '_'. */
	slug_is("add password_changed_at column to user table",
		"add_password_changed_at_column_to_user_");
	slug_is("add ondelete cascade for user foreign keys", "add_ondelete_cascade_for_user_foreign_");
	slug_is("exactly forty characters long message xx", "exactly_forty_characters_long_message_xx");
	slug_is("", "");
	slug_is(NULL, "");
	slug_is("?!", "");
	CU_ASSERT_EQUAL(vh_template_file_name(&name, "3f2a9c0d1e4b", "Add it"), 0);
	CU_ASSERT_STRING_EQUAL(name, "3f2a9c0d1e4b_add_it.c");
	free(name);
	CU_ASSERT_EQUAL(vh_template_file_name(&name, "3f2a9c0d1e4b", NULL), 0);
	CU_ASSERT_STRING_EQUAL(name, "3f2a9c0d1e4b_.c");
	free(name);
}

static void test_c_string(void)
{
	char *s = vh_template_c_string("say \"hi\" \\ ?\?/ tab\there\nnl \x01 é");

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(s, "say \\\"hi\\\" \\\\ ?\\?/ tab\\there\\nnl \\001 é");
	free(s);
}

static void test_new_id(void)
{
	char a[13], b[13];

	CU_ASSERT_EQUAL(vh_template_new_id(a), 0);
	CU_ASSERT_EQUAL(vh_template_new_id(b), 0);
	CU_ASSERT_EQUAL(strlen(a), 12);
	CU_ASSERT_EQUAL(strspn(a, "0123456789abcdef"), 12);
	CU_ASSERT_STRING_NOT_EQUAL(a, b);
}

/* The built-in template with defaults: a base, and a merge. */
static void test_render_builtin(void)
{
	const char *parents[] = {"aaaa00000001", "bbbb00000002"};
	vh_template_vars v = {0};
	char *out = NULL;

	v.up_revision = "3f2a9c0d1e4b";
	v.message = "add \"x\"";
	v.create_date = "2024-01-02 03:04:05";
	CU_ASSERT_EQUAL_FATAL(vh_template_render(&out, vh_template_builtin(), &v), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "/* 3f2a9c0d1e4b_add_x.c\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "VHOST_REVISION(\"3f2a9c0d1e4b\", NULL,\n\t       \"add \\\"x\\\"\");\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, " * Revises: <base>\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, " * Create Date: 2024-01-02 03:04:05\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "int upgrade(vh_ctx *ctx)\n{\n" VH_TEMPLATE_UPGRADE_BODY "\n}\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "int downgrade(vh_ctx *ctx)\n{\n" VH_TEMPLATE_DOWNGRADE_BODY "\n}\n"));
	/* The empty ${declarations} line is gone, not left blank. */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\");\n\n/*"));
	CU_ASSERT_PTR_NULL(strstr(out, "${"));
	free(out);

	v.down_revisions = parents;
	v.ndown = 2;
	v.message = NULL;
	v.declarations = "VHOST_DESCRIPTION(\"why\");";
	v.upgrade_body = "\treturn vh_exec(ctx, \"CREATE TABLE t (id int)\");";
	v.downgrade_body = "\treturn vh_exec(ctx, \"DROP TABLE t\");";
	CU_ASSERT_EQUAL_FATAL(vh_template_render(&out, vh_template_builtin(), &v), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"aaaa00000001,bbbb00000002\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, " * Revises: aaaa00000001, bbbb00000002\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"empty message\");\nVHOST_DESCRIPTION(\"why\");\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "{\n\treturn vh_exec(ctx, \"CREATE TABLE t (id int)\");\n}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "{\n\treturn vh_exec(ctx, \"DROP TABLE t\");\n}"));
	free(out);
}

static void test_render_errors(void)
{
	vh_template_vars v = {0};
	char *out = (char *)"untouched";

	v.up_revision = "abc";
	v.message = "a */ b";
	CU_ASSERT_EQUAL_FATAL(vh_template_render(&out, "$$ ${up_revision} ${message_comment} ${stem}\n", &v), 0);
	CU_ASSERT_STRING_EQUAL(out, "$ abc a * / b abc_a_b\n");
	free(out);
	CU_ASSERT_EQUAL(vh_template_render(&out, "one\ntwo ${mesage}\n", &v), VH_ERR_USAGE);
	CU_ASSERT_STRING_EQUAL(vh_error_last(), "template line 2: unknown placeholder ${mesage}");
	CU_ASSERT_PTR_NULL(out);
	CU_ASSERT_EQUAL(vh_template_render(&out, "${up_revision\n}", &v), VH_ERR_USAGE);
	CU_ASSERT_STRING_EQUAL(vh_error_last(), "template line 1: unterminated ${");
}

/* Writes `text` to a temporary .c file; returns its path (static). */
static const char *source(const char *text)
{
	static char path[64];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/vh_test_template_XXXXXX.c");
	fd = mkstemps(path, 2);
	CU_ASSERT_FATAL(fd >= 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_scan_source(void)
{
	vh_revision r;
	const char *p;

	p = source("/* VHOST_REVISION(\"not\", NULL, \"this\") in a comment */\n"
		   "#include <vhost/sdk.h>\n"
		   "static const char *s = \"VHOST_REVISION(\";\n"
		   "VHOST_REVISION ( \"abc123\" , \"p1,\" \"p2\" /* merge */,\n"
		   "  \"say \\\"hi\\\" \\\\ \\101\" );\n");
	CU_ASSERT_EQUAL_FATAL(vh_source_scan(&r, p), 0);
	CU_ASSERT_STRING_EQUAL(r.id, "abc123");
	CU_ASSERT_STRING_EQUAL(r.down_revision, "p1,p2");
	CU_ASSERT_STRING_EQUAL(r.message, "say \"hi\" \\ A");
	CU_ASSERT_STRING_EQUAL(r.path, p);
	vh_revision_clear(&r);
	unlink(p);

	p = source("VHOST_REVISION(\"base1\", NULL, \"m\");\n");
	CU_ASSERT_EQUAL_FATAL(vh_source_scan(&r, p), 0);
	CU_ASSERT_PTR_NULL(r.down_revision);
	vh_revision_clear(&r);
	unlink(p);

	p = source("int helper(void) { return 0; }\n");
	CU_ASSERT_EQUAL(vh_source_scan(&r, p), VH_ERR_NOTFOUND);
	unlink(p);

	p = source("\n#define ID \"x\"\nVHOST_REVISION(ID, NULL, \"m\");\n");
	CU_ASSERT_EQUAL(vh_source_scan(&r, p), VH_ERR_GENERIC);
	CU_ASSERT_PTR_NOT_NULL(strstr(vh_error_last(), ":3: cannot read VHOST_REVISION's id"));
	unlink(p);
}

int main(void)
{
	static const vh_test_case tests[] = {
		{"slug", test_slug},
		{"c_string", test_c_string},
		{"new_id", test_new_id},
		{"render_builtin", test_render_builtin},
		{"render_errors", test_render_errors},
		{"scan_source", test_scan_source},
	};

	return vh_test_run_cases("template", tests, sizeof(tests) / sizeof(tests[0]));
}
