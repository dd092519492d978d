/* test_autogen.c - autogenerate against the catalogue of model/database
 * pairs in tests/autogen/: for each, the operations found, the generated
 * revision compiled (an online plan's revisions also upgraded and
 * downgraded one at a time, each downgrade giving back the catalog from
 * before its revision), upgraded (after which nothing is left to generate
 * in either direction), rendered offline, and downgraded back to the
 * catalog it started from.
 *
 * Set AG_WRITE_EXPECT=1 to (re)write each case's expect.txt from what the
 * diff finds, then read the result before committing it. */
#include <CUnit/CUnit.h>
#include <dirent.h>
#include <glob.h>
#include <unistd.h>

#include "test_autogen_plan.h"

static PGconn *ag_conn;
static char ag_ini[256];

/* Every case, in the order of the directory; a directory that is missing
 * here fails test_all_listed. Each may name text the generated upgrade or
 * downgrade must contain, and how many REVIEW notes the upgrade has. */
typedef struct ag_case {
	const char *name;
	int reviews; /* REVIEW notes expected in upgrade(); -1: not checked */
	const char *up_needle, *down_needle;
} ag_case;

static const ag_case ag_cases[] = {
	{"01_tables", 2, "renamed table shows as a drop and a create", "CREATE TABLE old_child"},
	{"02_columns", 3, "ADD COLUMN doubled integer GENERATED ALWAYS AS ((id * 2)) STORED",
	 "ADD COLUMN gone_too integer DEFAULT 0 NOT NULL"},
	{"03_types", 4, "USING code::character varying(5)", "USING flag::integer"},
	{"04_nullability", 1, "REVIEW: SET NOT NULL fails if", "DROP NOT NULL"},
	{"05_defaults", 0, "'a */ b ?\\?/ \\\"q\\\" \\\\ tab\\tend'::text\")", "DEFAULT 1"},
	{"06_primary_keys", 1, "ADD CONSTRAINT b_pkey PRIMARY KEY USING INDEX b_pkey", "ADD CONSTRAINT c_pkey"},
	{"07_unique", 0, "UNIQUE NULLS NOT DISTINCT (c)", "ADD CONSTRAINT t_a_key UNIQUE (a)"},
	{"08_foreign_keys", 0, "ON UPDATE RESTRICT ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED",
	 "ON UPDATE CASCADE"},
	{"09_checks", 0, "CHECK ((a >= 0))", "CHECK ((a < 100))"},
	{"10_indexes", 0, "USING hash (b)", "CREATE UNIQUE INDEX CONCURRENTLY ix_unique ON t USING btree (b)"},
	{"11_comments", 0, "IS 'b''s comment, with */ inside'\")", "COMMENT ON TABLE t IS 'old table comment'"},
	{"12_identity", 1, "ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY",
	 "ALTER COLUMN c ADD GENERATED ALWAYS AS IDENTITY"},
	{"13_unchanged", 0, "no changes detected", "no changes detected"},
	{"14_renames", 2, "RENAME TO", "RENAME"},
	{"15_referenced_keys", 0, "ADD CONSTRAINT fk_child_c FOREIGN KEY (c) REFERENCES parent(code)",
	 "ADD CONSTRAINT uq_parent_code UNIQUE (code)"},
	{"16_enums", -1, "ALTER TYPE mood ADD VALUE 'awful' BEFORE 'sad'",
	 "USING s::text::size"},
	{"17_sequences", -1, "ALTER SEQUENCE counter AS integer INCREMENT BY 5", "DROP SEQUENCE new_seq"},
	{"18_views", -1, "CREATE VIEW v_names WITH (security_invoker=true) AS", "CREATE VIEW v_gone AS"},
	{"19_functions", -1, "CREATE OR REPLACE FUNCTION add_one(i integer)", "DROP PROCEDURE fresh(IN n integer)"},
	{"20_triggers", -1, "ALTER TABLE u DISABLE TRIGGER trg_off", "DROP TRIGGER trg_bump ON u"},
	{"21_view_dependencies", -1, "DROP VIEW v_over", "CREATE VIEW v_amount AS"},
	{"22_all_kinds", -1,
	 "CREATE POLICY p_live ON docs AS PERMISSIVE FOR SELECT TO vh_test_reader USING (can_read(status))",
	 "DROP TYPE status"},
	{"23_domains", -1, "ALTER DOMAIN positive ADD CONSTRAINT positive_small CHECK", "DROP DOMAIN fresh_word"},
	{"24_composite_types", -1, "ALTER TYPE pair ADD ATTRIBUTE c text COLLATE \\\"C\\\"",
	 "ALTER TYPE pair ALTER ATTRIBUTE a TYPE integer"},
	{"25_extensions", -1, "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH VERSION", "DROP EXTENSION pg_trgm"},
	{"26_partitions", -1, "PARTITION OF metrics_eu FOR VALUES WITH (modulus 2, remainder 1)",
	 "ALTER TABLE events ATTACH PARTITION events_2025"},
	{"27_schemas", 0, "CREATE SCHEMA ag27_new", "DROP SCHEMA ag27_new"},
	{"28_partition_detach", -1, "ALTER TABLE orders_2024 DROP CONSTRAINT orders_2024_pkey",
	 "ALTER TABLE archive DROP CONSTRAINT archive_pkey"},
	{"30_privileges", 1, "GRANT DELETE ON TABLE fresh TO \\\"vh_test_Mixed Case\\\"",
	 "GRANT INSERT ON TABLE docs TO vh_test_reader"},
	{"31_row_level_security", 1, "ALTER TABLE a ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY",
	 "ALTER TABLE d DISABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY"},
	{"32_policies", 0, "ALTER POLICY p_roles ON docs TO vh_test_reader, vh_test_writer USING ((level > 1))",
	 "CREATE POLICY p_gone ON docs AS PERMISSIVE FOR ALL TO PUBLIC USING ((level = 1))"},
	{"33_policy_dependencies", 0, "DROP POLICY p_old ON docs", "DROP POLICY p_new ON docs"},
	{"34_policy_comments", 0, "COMMENT ON POLICY p_a ON docs IS 'new comment, it''s quoted'",
	 "COMMENT ON POLICY p_c ON docs IS 'goes'"},
	{"35_privileges_recreated", 2, "GRANT SELECT (id) ON TABLE v TO vh_test_writer",
	 "REVOKE EXECUTE ON FUNCTION f() FROM PUBLIC"},
	{"36_schema_privileges", 0, "\"GRANT USAGE ON SCHEMA %I TO \\\"vh_test_Mixed Case\\\"\", vh_schema(ctx)",
	 "\"GRANT CREATE ON SCHEMA %I TO vh_test_reader WITH GRANT OPTION\", vh_schema(ctx)"},
	{"37_default_privileges", 0,
	 "\"ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE ON TYPES TO vh_test_writer\", vh_schema(ctx)",
	 "IN SCHEMA %I GRANT USAGE ON SEQUENCES TO vh_test_reader WITH GRANT OPTION\", vh_schema(ctx)"},
	{"38_partition_columns", 1, "ALTER TABLE m2 ALTER COLUMN v SET DEFAULT 7",
	 "ALTER TABLE m2 ALTER COLUMN z SET NOT NULL"},
	{"39_settings", -1, "ALTER TABLE a ALTER COLUMN doc SET COMPRESSION pglz",
	 "ALTER TABLE b REPLICA IDENTITY FULL"},
	{"40_online_index", 0, "CREATE UNIQUE INDEX CONCURRENTLY ix_t_b ON t USING btree (b) WHERE (b IS NOT NULL)",
	 "DROP INDEX CONCURRENTLY ix_t_a"},
	{"41_online_keys", 0, "ALTER TABLE child VALIDATE CONSTRAINT fk_child_parent",
	 "ALTER TABLE child DROP CONSTRAINT ck_child_qty"},
	{"42_online_not_null", 2, "VALIDATE CONSTRAINT \\\"vh_nn_users_Nick Name\\\"",
	 "ALTER TABLE users DROP CONSTRAINT vh_nn_users_email"},
	{"43_no_online", 1, "ALTER TABLE t ADD CONSTRAINT ck_t_a CHECK ((a >= 0))\")", "DROP INDEX ix_t_a\")"},
	{"45_dependency_order", -1, "FUNCTION items_count()", "FUNCTION old_count()"},
	{"46_online_unique_keys", 1,
	 "ALTER TABLE account ADD CONSTRAINT account_pkey PRIMARY KEY USING INDEX account_pkey",
	 "CREATE UNIQUE INDEX account_pkey ON account (id)"},
	{"47_online_drop_index", 3, "DROP INDEX CONCURRENTLY ix_child_legacy",
	 "CREATE UNIQUE INDEX CONCURRENTLY ix_parent_code ON parent USING btree (code)"},
	{"48_online_enum_values", 0, "ALTER TYPE status ADD VALUE 'archived' AFTER 'done'",
	 "ALTER TYPE status RENAME TO status__vhost_old"},
	{"49_online_all_steps", -1,
	 "ALTER TABLE tag ADD CONSTRAINT fk_tag_item FOREIGN KEY (item_id) REFERENCES item(id) NOT VALID",
	 "DROP INDEX CONCURRENTLY item_pkey"},
};
#define AG_NCASES (sizeof(ag_cases) / sizeof(*ag_cases))

/* How a case is planned: every case is written as the online plan unless
 * listed here as `plain` (--no-online); a case listed with `plan` must
 * write exactly its plan.txt (statements, revision by revision). */
static const struct {
	const char *name;
	int plain, plan;
} ag_plans[] = {
	{"40_online_index", 0, 1},  {"41_online_keys", 0, 1},   {"42_online_not_null", 0, 1},
	{"43_no_online", 1, 1},     {"45_dependency_order", 0, 1},
	{"46_online_unique_keys", 0, 1}, {"47_online_drop_index", 0, 1},
	{"48_online_enum_values", 0, 1}, {"49_online_all_steps", 0, 1},
	{"06_primary_keys", 0, 1},       {"07_unique", 0, 1},
	{"10_indexes", 0, 1},            {"15_referenced_keys", 0, 1},
	{"16_enums", 0, 1},
};

/* The ag_plans entry of a case: 1 for `plain`, 2 for `plan`, ORed. */
static int ag_plan_of(const char *name)
{
	for (size_t i = 0; i < sizeof(ag_plans) / sizeof(*ag_plans); i++)
		if (strcmp(ag_plans[i].name, name) == 0)
			return ag_plans[i].plain | ag_plans[i].plan << 1;
	return 0;
}

static size_t ag_count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static int ag_no_scratch_left(void)
{
	char *n = vh_test_value(ag_conn, "SELECT count(*) FROM pg_namespace"
					 " WHERE nspname LIKE 'vhost\\_model\\_%'");
	int ok = n && strcmp(n, "0") == 0;

	free(n);
	return ok;
}

/* 1 when `got` equals the case's fixture file `file` (which
 * AG_WRITE_EXPECT=1 rewrites from it first). */
static int ag_matches_file(const char *name, const char *file, const char *got)
{
	char path[512], *want;
	int ok;

	snprintf(path, sizeof(path), "%s/%s/%s", AG_FIXTURES, name, file);
	if (getenv("AG_WRITE_EXPECT"))
		ag_write(path, got);
	want = ag_read(path);
	ok = ag_same(name, got, want);
	free(want);
	return ok;
}

/* One case, start to end. */
static void ag_run(const ag_case *c)
{
	char path[512], schema[64], *sql, *lines, *up_body = NULL, *down_body = NULL;
	vh_catalog *before, *after;
	vh_diff *up = NULL, *down = NULL;
	vh_agplan plan;
	const char *none[] = {NULL}, *dir;
	size_t nrevs;
	int rc, labels_back;

	snprintf(schema, sizeof(schema), "ag_%s", c->name);
	snprintf(path, sizeof(path), "%s/%s/db.sql", AG_FIXTURES, c->name);
	if (!(sql = ag_read(path)))
		ag_die("missing", path);
	ag_load(ag_conn, schema, sql);
	free(sql);
	before = ag_catalog(ag_conn, schema);

	/* The operations. */
	snprintf(path, sizeof(path), "%s/%s/model.sql", AG_FIXTURES, c->name);
	rc = vh_autogen_diff(&up, &down, ag_conn, schema, path, ag_exclude);
	if (rc < 0)
		fprintf(stderr, "\n  %s: %s\n", c->name, vh_error_last());
	CU_ASSERT_FATAL(rc == 0);
	CU_ASSERT(ag_no_scratch_left());
	lines = ag_lines(up);
	CU_ASSERT(ag_matches_file(c->name, "expect.txt", lines));
	free(lines);
	CU_ASSERT((up->nops == 0) == (down->nops == 0));
	/* Every difference of these cases is generated: none left to name. */
	if (up->nunmodelled || down->nunmodelled) {
		fprintf(stderr, "\n  %s: named as not generated: %s\n", c->name,
			up->nunmodelled ? up->unmodelled[0] : down->unmodelled[0]);
		CU_FAIL("unmodelled differences");
	}

	/* The revisions: the online plan (or the plain one), chained, and
	 * what lint says of them. */
	CU_ASSERT_FATAL(vh_autogen_plan(&plan, up, down, !(ag_plan_of(c->name) & 1)) == 0);
	up = down = NULL;
	if (ag_plan_of(c->name) & 2) {
		lines = ag_plan_text(&plan);
		CU_ASSERT(ag_matches_file(c->name, "plan.txt", lines));
		free(lines);
	}
	dir = vh_test_plugin_dir(none);
	ag_plan_build(&plan, dir, c->name, &up_body, &down_body);
	nrevs = plan.n;
	labels_back = plan.n && plan.revs[0].step && strcmp(plan.revs[0].step, "add enum values") == 0 &&
		      !plan.revs[0].down->nops;
	vh_agplan_clear(&plan);
	if (ag_plan_of(c->name) & 1) {
		static const char *const avoided[] = {"index-not-concurrent", "constraint-not-valid",
						      "set-not-null", NULL};

		CU_ASSERT(ag_lint_reports(ag_ini, schema, dir, avoided));
	} else {
		CU_ASSERT(ag_lint_clean(ag_ini, schema, dir, c->name, up_body, down_body));
	}
	if (c->reviews >= 0 && ag_count(up_body, "REVIEW:") != (size_t)c->reviews) {
		fprintf(stderr, "\n  %s: %zu REVIEW notes, want %d:\n%s\n", c->name,
			ag_count(up_body, "REVIEW:"), c->reviews, up_body);
		CU_FAIL("REVIEW notes");
	}
	if (!strstr(up_body, c->up_needle) || !strstr(down_body, c->down_needle)) {
		fprintf(stderr, "\n  %s: want '%s' in upgrade, '%s' in downgrade:\n%s\n----\n%s\n",
			c->name, c->up_needle, c->down_needle, up_body, down_body);
		CU_FAIL("generated code");
	}
	free(up_body);
	free(down_body);

	if (nrevs > 1)
		ag_step_back(ag_conn, ag_ini, c->name, schema, dir, nrevs, labels_back);

	/* Upgrade: the database is the model now, seen from both sides. */
	CU_ASSERT_FATAL(ag_vhost(ag_ini, schema, dir, 0, NULL, "-q", "upgrade", "head") == 0);
	snprintf(path, sizeof(path), "%s/%s/model.sql", AG_FIXTURES, c->name);
	CU_ASSERT_FATAL(vh_autogen_diff(&up, &down, ag_conn, schema, path, ag_exclude) == 0);
	if (up->nops || down->nops) {
		char *u = ag_lines(up), *d = ag_lines(down);

		fprintf(stderr, "\n  %s after upgrade, still to do:\n%s  and back:\n%s", c->name, u, d);
		free(u);
		free(d);
		CU_FAIL("upgrade did not reach the model");
	}
	vh_diff_free(up);
	vh_diff_free(down);

	/* Offline, the same revision renders as a script. */
	CU_ASSERT(ag_vhost(ag_ini, schema, dir, 0, NULL, "upgrade", "--sql", "base:head") == 0);

	/* Downgrade: back to the catalog the database started with. */
	CU_ASSERT_FATAL(ag_vhost(ag_ini, schema, dir, 0, NULL, "-q", "downgrade", "base") == 0);
	after = ag_catalog(ag_conn, schema);
	if (!vh_catalog_equal(before, after)) {
		fprintf(stderr, "\n  %s: the downgrade left a different catalog:\n", c->name);
		vh_catalog_diff(stderr, before, after, "    ");
		CU_FAIL("downgrade did not restore the catalog");
	}
	vh_catalog_free(before);
	vh_catalog_free(after);
	ag_load(ag_conn, schema, NULL);
	snprintf(path, sizeof(path), "DROP SCHEMA %s CASCADE", schema);
	vh_test_exec(ag_conn, path);
}

#define AG_TEST(i)                                                                     \
	static void test_case_##i(void)                                                \
	{                                                                              \
		ag_run(&ag_cases[i]);                                                  \
	}
AG_TEST(0)
AG_TEST(1)
AG_TEST(2)
AG_TEST(3)
AG_TEST(4)
AG_TEST(5)
AG_TEST(6)
AG_TEST(7)
AG_TEST(8)
AG_TEST(9)
AG_TEST(10)
AG_TEST(11)
AG_TEST(12)
AG_TEST(13)
AG_TEST(14)
AG_TEST(15)
AG_TEST(16)
AG_TEST(17)
AG_TEST(18)
AG_TEST(19)
AG_TEST(20)
AG_TEST(21)
AG_TEST(22)
AG_TEST(23)
AG_TEST(24)
AG_TEST(25)
AG_TEST(26)
AG_TEST(27)
AG_TEST(28)
AG_TEST(29)
AG_TEST(30)
AG_TEST(31)
AG_TEST(32)
AG_TEST(33)
AG_TEST(34)
AG_TEST(35)
AG_TEST(36)
AG_TEST(37)
AG_TEST(38)
AG_TEST(39)
AG_TEST(40)
AG_TEST(41)
AG_TEST(42)
AG_TEST(43)
AG_TEST(44)
AG_TEST(45)
AG_TEST(46)

static void (*const ag_tests[])(void) = {
	test_case_0, test_case_1, test_case_2,  test_case_3,  test_case_4,
	test_case_5, test_case_6, test_case_7,  test_case_8,  test_case_9,
	test_case_10, test_case_11, test_case_12, test_case_13, test_case_14,
	test_case_15, test_case_16, test_case_17, test_case_18, test_case_19,
	test_case_20, test_case_21,
	test_case_22, test_case_23, test_case_24, test_case_25, test_case_26,
	test_case_27, test_case_28, test_case_29, test_case_30, test_case_31,
	test_case_32, test_case_33, test_case_34, test_case_35, test_case_36,
	test_case_37, test_case_38, test_case_39, test_case_40, test_case_41,
	test_case_42, test_case_43, test_case_44, test_case_45, test_case_46,
};
/* A case added to ag_cases needs its AG_TEST and an entry here. */
_Static_assert(sizeof(ag_tests) / sizeof(*ag_tests) == AG_NCASES, "ag_tests covers ag_cases");

/* tests/autogen/unmodelled: only kinds autogenerate does not generate
 * differ, so there is no operation, and each difference is named (both
 * ways), as `vhost check` and the revision's REVIEW notes show them. */
static void test_unmodelled(void)
{
	char path[512], *lines = NULL, *expect, *up_body = NULL, *down_body = NULL, *sql;
	vh_diff *up = NULL, *down = NULL;
	size_t len = 0, i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/unmodelled/db.sql", AG_FIXTURES);
	CU_ASSERT_FATAL((sql = ag_read(path)) != NULL);
	ag_load(ag_conn, "ag_unmodelled", sql);
	free(sql);
	snprintf(path, sizeof(path), "%s/unmodelled/model.sql", AG_FIXTURES);
	CU_ASSERT_FATAL(vh_autogen_diff(&up, &down, ag_conn, "ag_unmodelled", path, ag_exclude) == 0);
	CU_ASSERT(up->nops == 0 && down->nops == 0);
	CU_ASSERT(up->nunmodelled == down->nunmodelled);
	CU_ASSERT_FATAL((f = open_memstream(&lines, &len)) != NULL);
	for (i = 0; i < up->nunmodelled; i++)
		fprintf(f, "%s\n", up->unmodelled[i]);
	fclose(f);
	snprintf(path, sizeof(path), "%s/unmodelled/expect.txt", AG_FIXTURES);
	if (getenv("AG_WRITE_EXPECT"))
		ag_write(path, lines);
	expect = ag_read(path);
	CU_ASSERT(ag_same("unmodelled", lines, expect));
	CU_ASSERT_FATAL(vh_autogen_render(&up_body, &down_body, up, down, "model.sql") == 0);
	CU_ASSERT(strstr(up_body, "REVIEW: not generated, write it here by hand: table events") != NULL);
	CU_ASSERT(strstr(up_body, "no changes detected") != NULL);
	free(up_body);
	free(down_body);
	free(lines);
	free(expect);
	vh_diff_free(up);
	vh_diff_free(down);
	ag_load(ag_conn, "ag_unmodelled", NULL);
	vh_test_exec(ag_conn, "DROP SCHEMA ag_unmodelled CASCADE");
}

/* Fixtures that must fail to plan, with the one-line error of expect.txt. */
static const char *const ag_error_cases[] = {"44_cycle", NULL};

/* tests/autogen/44_cycle: objects that need each other cannot be ordered:
 * the diff fails with one line naming them, leaves nothing behind, and
 * `vhost revision --autogenerate` exits 1 without writing a file. */
static void test_cycle(void)
{
	const char *dir = vh_test_plugin_dir((const char *const[]){NULL});
	char path[512], model[512], body[1024], ini[256], *sql, *expect, *err = NULL, *out = NULL;
	vh_diff *up = NULL, *down = NULL;
	glob_t g;

	snprintf(path, sizeof(path), "%s/44_cycle/db.sql", AG_FIXTURES);
	CU_ASSERT_FATAL((sql = ag_read(path)) != NULL);
	ag_load(ag_conn, "ag_cycle", sql);
	free(sql);
	snprintf(model, sizeof(model), "%s/44_cycle/model.sql", AG_FIXTURES);
	CU_ASSERT(vh_autogen_diff(&up, &down, ag_conn, "ag_cycle", model, ag_exclude) < 0);
	CU_ASSERT(up == NULL && down == NULL);
	snprintf(path, sizeof(path), "%s/44_cycle/expect.txt", AG_FIXTURES);
	expect = ag_read(path);
	CU_ASSERT_FATAL(expect != NULL);
	expect[strcspn(expect, "\n")] = '\0';
	if (!strstr(vh_error_last(), expect))
		fprintf(stderr, "\n  44_cycle: got %s\n", vh_error_last());
	CU_ASSERT(strstr(vh_error_last(), expect) != NULL);
	CU_ASSERT(ag_no_scratch_left());
	snprintf(body, sizeof(body), "[database]\ndbname = ag_test_autogen\n[vhost]\nmodel = %s\n", model);
	snprintf(ini, sizeof(ini), "%s", vh_test_write_ini(body));
	{
		const char *args[] = {"revision", "--autogenerate", "-m", "cycle", "--source-dir", dir, NULL};

		CU_ASSERT(ag_vhostv(ini, "ag_cycle", dir, 1, &out, &err, args) == 1);
	}
	CU_ASSERT(err && strstr(err, expect) && strchr(err, '\n') == err + strlen(err) - 1);
	snprintf(path, sizeof(path), "%s/*.c", dir);
	CU_ASSERT(glob(path, 0, NULL, &g) == GLOB_NOMATCH);
	globfree(&g);
	free(out);
	free(err);
	free(expect);
	ag_load(ag_conn, "ag_cycle", NULL);
	vh_test_exec(ag_conn, "DROP SCHEMA ag_cycle CASCADE");
}

/* Every fixture directory is a listed case, so none is silently skipped. */
static void test_all_listed(void)
{
	DIR *d = opendir(AG_FIXTURES);
	struct dirent *e;
	size_t i, dirs = 0;

	CU_ASSERT_FATAL(d != NULL);
	CU_ASSERT(sizeof(ag_tests) / sizeof(*ag_tests) == AG_NCASES);
	while ((e = readdir(d)) != NULL) {
		int found = 0;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		dirs++;
		for (i = 0; i < AG_NCASES; i++)
			found |= strcmp(ag_cases[i].name, e->d_name) == 0;
		for (i = 0; ag_error_cases[i]; i++)
			if (strcmp(ag_error_cases[i], e->d_name) == 0)
				found = 1, dirs--;
		if (!found)
			fprintf(stderr, "\n  tests/autogen/%s is not in ag_cases\n", e->d_name);
		CU_ASSERT(found);
	}
	closedir(d);
	CU_ASSERT(dirs == AG_NCASES);
}

/* A grant to a role that does not exist where the revision runs fails the
 * upgrade, naming the role, and leaves the database as it was: it is
 * never dropped silently. */
static void test_missing_role(void)
{
	char role[64], sql[256], model[512], *up_body = NULL, *down_body = NULL, *err = NULL;
	const char *none[] = {NULL}, *dir, *args[] = {"upgrade", "head", NULL};
	vh_diff *up = NULL, *down = NULL;
	char *v;

	snprintf(role, sizeof(role), "vh_test_gone_%d", (int)getpid());
	snprintf(sql, sizeof(sql), "CREATE ROLE %s NOLOGIN", role);
	vh_test_exec(ag_conn, sql);
	ag_load(ag_conn, "ag_missing_role", "CREATE TABLE t (id int);");
	snprintf(model, sizeof(model), "%s/ag_missing_role_%d.sql",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	snprintf(sql, sizeof(sql), "CREATE TABLE t (id int);\nGRANT SELECT ON t TO %s;\n", role);
	ag_write(model, sql);
	CU_ASSERT_FATAL(vh_autogen_diff(&up, &down, ag_conn, "ag_missing_role", model, ag_exclude) == 0);
	unlink(model);
	CU_ASSERT_FATAL(vh_autogen_render(&up_body, &down_body, up, down, "model.sql") == 0);
	vh_diff_free(up);
	vh_diff_free(down);
	dir = vh_test_plugin_dir(none);
	CU_ASSERT_FATAL(ag_build(dir, "a9e0000000ff", NULL, up_body, down_body, NULL, 0) == 0);
	free(up_body);
	free(down_body);
	snprintf(sql, sizeof(sql), "DROP ROLE %s", role);
	vh_test_exec(ag_conn, sql);
	CU_ASSERT(ag_vhostv(ag_ini, "ag_missing_role", dir, 1, NULL, &err, args) == 1);
	snprintf(sql, sizeof(sql), "role \"%s\" does not exist", role);
	if (!err || !strstr(err, sql))
		fprintf(stderr, "\n  want '%s' in: %s\n", sql, err ? err : "(null)");
	CU_ASSERT(err && strstr(err, sql));
	free(err);
	/* Nothing recorded: no version row (the table may not even exist). */
	v = vh_test_value(ag_conn, "SELECT CASE WHEN to_regclass('ag_missing_role.alembic_version')"
				   " IS NULL THEN '0' ELSE (xpath('/row/c/text()', query_to_xml("
				   "'SELECT count(*) AS c FROM ag_missing_role.alembic_version',"
				   " false, true, '')))[1]::text END");
	CU_ASSERT(v && strcmp(v, "0") == 0);
	free(v);
	ag_load(ag_conn, "ag_missing_role", NULL);
	vh_test_exec(ag_conn, "DROP SCHEMA ag_missing_role CASCADE");
}

static int ag_setup(void)
{
	char body[256];

	ag_conn = vh_test_connect(vh_test_createdb("ag_test_autogen"));
	vh_test_exec(ag_conn, "SET client_min_messages = warning");
	/* Roles are the cluster's: created once, kept for concurrent runs. */
	vh_test_exec(ag_conn, "DO $$ DECLARE r text; BEGIN FOREACH r IN ARRAY ARRAY['vh_test_reader',"
			      " 'vh_test_writer', 'vh_test_Mixed Case'] LOOP"
			      " IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN"
			      " BEGIN EXECUTE format('CREATE ROLE %I NOLOGIN', r);"
			      " EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;"
			      " END IF; END LOOP; END $$");
	snprintf(body, sizeof(body), "[database]\ndbname = ag_test_autogen\n");
	snprintf(ag_ini, sizeof(ag_ini), "%s", vh_test_write_ini(body));
	return 0;
}

static int ag_teardown(void)
{
	PQfinish(ag_conn);
	ag_dropdb("ag_test_autogen");
	return 0;
}

static void ag_add_suites(void)
{
	CU_pSuite s = CU_add_suite("autogen catalogue", ag_setup, ag_teardown);
	char name[64];
	size_t i;

	CU_add_test(s, "every fixture is listed", test_all_listed);
	CU_add_test(s, "kinds not generated are named", test_unmodelled);
	CU_add_test(s, "a grant to a missing role fails the upgrade", test_missing_role);
	CU_add_test(s, "a dependency cycle is an error", test_cycle);
	for (i = 0; i < AG_NCASES; i++) {
		/* AG_ONLY=23_domains runs the cases whose name holds it. */
		if (getenv("AG_ONLY") && !strstr(ag_cases[i].name, getenv("AG_ONLY")))
			continue;
		snprintf(name, sizeof(name), "case %s", ag_cases[i].name);
		CU_add_test(s, name, ag_tests[i]); /* CUnit copies the name */
	}
}

int main(void)
{
	return vh_test_main(ag_add_suites);
}
