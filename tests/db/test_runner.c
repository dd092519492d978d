/* test_runner.c - upgrade and downgrade round trips through the vhost
 * binary over the fixture chains (tests/plugins/linear, branch, merge):
 * after every step the version table's rows and the exact statements vhost
 * sent to it (a trigger logs them: Alembic's UPDATE for a linear step,
 * INSERT for a first revision or a new branch, DELETE at base or when
 * merging), the history table, and the catalog compared with the snapshot
 * taken at the same revision on the way up. Also the version table's DDL,
 * configured version-table names, no-op upgrades, and the JSON outputs.
 *
 * One database for the suite (run_chains); each test has its own schema,
 * hence its own version table and migration lock. */
#include "run_util.h"

static char *dir_linear, *dir_branch, *dir_merge;

static int suite_init(void)
{
	static const char *const linear[] = {
		"linear/3b8e1f0c9a21_first.so", "linear/7c44d2a9e610_second.so",
		"linear/e59b07d3c4f2_third.so", NULL};
	static const char *const branch[] = {
		"branch/5a0f3e7d21b9_base.so", "branch/8e2c6b1a4d07_left.so",
		"branch/b91d4f0e3a68_right.so", NULL};
	static const char *const merge[] = {
		"merge/2d7a9c0e5b13_base.so", "merge/64f1b8e2c0a9_left.so",
		"merge/9ac3e5d7f182_right.so", "merge/d03b6a4c8e57_merge.so", NULL};

	dir_linear = rt_strdup(vh_test_plugin_dir(linear));
	dir_branch = rt_strdup(vh_test_plugin_dir(branch));
	dir_merge = rt_strdup(vh_test_plugin_dir(merge));
	return rt_open("run_chains");
}

static int suite_clean(void)
{
	free(dir_linear);
	free(dir_branch);
	free(dir_merge);
	return rt_close();
}

/* `vhost stamp base` on a fresh schema creates the schema and both tables
 * and no row; then the log trigger goes on the version table, so the tests
 * see every statement from the first INSERT on. */
static void start_schema(const char *ini, const char *vt)
{
	RT_OK(ini, "stamp", "base");
	rt_vtlog_attach(vt);
}

/* Snapshot comparison with the first differing line printed. */
static int same_snapshot(const char *what, const char *got, const char *want)
{
	const char *g = got, *w = want;

	if (strcmp(got, want) == 0)
		return 1;
	while (*g && *g == *w)
		g++, w++;
	while (g > got && g[-1] != '\n')
		g--, w--;
	fprintf(stderr, "\n  catalog %s differs at:\n    got  %.*s\n    want %.*s\n", what,
		(int)strcspn(g, "\n"), g, (int)strcspn(w, "\n"), w);
	return 0;
}

#define SNAP_EQ(schema, want)                                                  \
	do {                                                                   \
		char *s__ = vh_test_snapshot(rt_conn, schema);                 \
		CU_ASSERT(same_snapshot(schema, s__, (want)));                 \
		free(s__);                                                     \
	} while (0)

/* ---------------------------------------------------------------------
 * Linear
 * --------------------------------------------------------------------- */

static void test_linear_round_trip(void)
{
	char *ini = rt_ini(dir_linear, "lin", NULL);
	char *s0, *s1, *s3;

	start_schema(ini, "lin.alembic_version");
	/* The table as vhost created it is Alembic's, column for column. */
	rt_assert_version_ddl("lin.alembic_version", "alembic_version");
	RT_VERSIONS("lin.alembic_version", "");
	s0 = vh_test_snapshot(rt_conn, "lin");

	/* The first revision is an INSERT. */
	RT_OK(ini, "upgrade", "+1");
	RT_VTLOG("INSERT 3b8e1f0c9a21");
	RT_VERSIONS("lin.alembic_version", "3b8e1f0c9a21");
	CU_ASSERT(rt_exists("lin.t_3b8e1f0c9a21"));
	s1 = vh_test_snapshot(rt_conn, "lin");

	/* Linear steps are UPDATEs, one per revision, in order. */
	RT_OK(ini, "upgrade", "head");
	RT_VTLOG("UPDATE 3b8e1f0c9a21>7c44d2a9e610; UPDATE 7c44d2a9e610>e59b07d3c4f2");
	RT_VERSIONS("lin.alembic_version", "e59b07d3c4f2");
	CU_ASSERT(rt_exists("lin.t_7c44d2a9e610") && rt_exists("lin.t_e59b07d3c4f2"));
	s3 = vh_test_snapshot(rt_conn, "lin");
	rt_assert_version_ddl("lin.alembic_version", "alembic_version");

	RT_OK(ini, "downgrade", "-1");
	RT_VTLOG("UPDATE e59b07d3c4f2>7c44d2a9e610");
	RT_VERSIONS("lin.alembic_version", "7c44d2a9e610");
	CU_ASSERT(!rt_exists("lin.t_e59b07d3c4f2"));

	/* Down to base: UPDATEs, then the last row is DELETEd. */
	RT_OK(ini, "downgrade", "base");
	RT_VTLOG("UPDATE 7c44d2a9e610>3b8e1f0c9a21; DELETE 3b8e1f0c9a21");
	RT_VERSIONS("lin.alembic_version", "");
	SNAP_EQ("lin", s0);

	/* Up again in one go, then back to the first revision. */
	RT_OK(ini, "upgrade", "head");
	RT_VTLOG("INSERT 3b8e1f0c9a21; UPDATE 3b8e1f0c9a21>7c44d2a9e610; "
		 "UPDATE 7c44d2a9e610>e59b07d3c4f2");
	SNAP_EQ("lin", s3);
	RT_OK(ini, "downgrade", "3b8e1f0c9a21");
	RT_VTLOG("UPDATE e59b07d3c4f2>7c44d2a9e610; UPDATE 7c44d2a9e610>3b8e1f0c9a21");
	RT_VERSIONS("lin.alembic_version", "3b8e1f0c9a21");
	SNAP_EQ("lin", s1);

	/* Every run is in the history table, in order, with its file's hash. */
	RT_HISTORY("lin.vhost_history",
		   "upgrade:3b8e1f0c9a21:applied,"
		   "upgrade:7c44d2a9e610:applied,upgrade:e59b07d3c4f2:applied,"
		   "downgrade:e59b07d3c4f2:reverted,"
		   "downgrade:7c44d2a9e610:reverted,downgrade:3b8e1f0c9a21:reverted,"
		   "upgrade:3b8e1f0c9a21:applied,upgrade:7c44d2a9e610:applied,"
		   "upgrade:e59b07d3c4f2:applied,"
		   "downgrade:e59b07d3c4f2:reverted,downgrade:7c44d2a9e610:reverted");
	RT_NEQ(0, "SELECT count(*) FROM lin.vhost_history WHERE plugin_sha256 !~ '^[0-9a-f]{64}$'"
		  " OR duration_ms IS NULL OR attention OR error IS NOT NULL");
	free(s0);
	free(s1);
	free(s3);
	free(ini);
}

/* ---------------------------------------------------------------------
 * Branches
 * --------------------------------------------------------------------- */

static void test_branch_round_trip(void)
{
	char *ini = rt_ini(dir_branch, "br", NULL);
	char *s0, *both;
	vh_test_result r;

	start_schema(ini, "br.alembic_version");
	s0 = vh_test_snapshot(rt_conn, "br");

	/* One branch: the base is inserted, then updated to the left head. */
	RT_OK(ini, "upgrade", "8e2c6b1a4d07");
	RT_VTLOG("INSERT 5a0f3e7d21b9; UPDATE 5a0f3e7d21b9>8e2c6b1a4d07");
	RT_VERSIONS("br.alembic_version", "8e2c6b1a4d07");

	/* Two heads: "head" is ambiguous, as in Alembic, and changes nothing. */
	r = rt_vhost(ini, "upgrade", "head", NULL);
	CU_ASSERT(rt_status(&r, 1, "upgrade head with two heads"));
	CU_ASSERT(rt_has(r.err, "Multiple head revisions"));
	vh_test_result_free(&r);
	RT_VTLOG("");

	/* The other branch is a new row: INSERT. */
	RT_OK(ini, "upgrade", "heads");
	RT_VTLOG("INSERT b91d4f0e3a68");
	RT_VERSIONS("br.alembic_version", "8e2c6b1a4d07,b91d4f0e3a68");
	both = vh_test_snapshot(rt_conn, "br");
	r = rt_vhost(ini, "current", NULL);
	CU_ASSERT(rt_status(&r, 0, "current"));
	CU_ASSERT(rt_has(r.out, "8e2c6b1a4d07 (head)") && rt_has(r.out, "b91d4f0e3a68 (head)"));
	vh_test_result_free(&r);

	/* Back to the branch point: one branch's row goes (DELETE, the base
	 * is still below the other head), the other is updated to the base. */
	RT_OK(ini, "downgrade", "5a0f3e7d21b9");
	RT_VTLOG("DELETE b91d4f0e3a68; UPDATE 8e2c6b1a4d07>5a0f3e7d21b9");
	RT_VERSIONS("br.alembic_version", "5a0f3e7d21b9");
	CU_ASSERT(rt_exists("br.t_5a0f3e7d21b9"));
	CU_ASSERT(!rt_exists("br.t_8e2c6b1a4d07") && !rt_exists("br.t_b91d4f0e3a68"));

	/* From the branch point, a branch is a linear step; the other one
	 * then starts a new row. */
	RT_OK(ini, "upgrade", "b91d4f0e3a68");
	RT_VTLOG("UPDATE 5a0f3e7d21b9>b91d4f0e3a68");
	RT_OK(ini, "upgrade", "8e2c6b1a4d07");
	RT_VTLOG("INSERT 8e2c6b1a4d07");
	RT_VERSIONS("br.alembic_version", "8e2c6b1a4d07,b91d4f0e3a68");
	SNAP_EQ("br", both);

	RT_OK(ini, "downgrade", "base");
	RT_VTLOG("DELETE b91d4f0e3a68; UPDATE 8e2c6b1a4d07>5a0f3e7d21b9; DELETE 5a0f3e7d21b9");
	RT_VERSIONS("br.alembic_version", "");
	SNAP_EQ("br", s0);
	free(s0);
	free(both);
	free(ini);
}

/* ---------------------------------------------------------------------
 * Merges
 * --------------------------------------------------------------------- */

static void test_merge_round_trip(void)
{
	char *ini = rt_ini(dir_merge, "mg", NULL);
	char *s0, *two, *merged;

	start_schema(ini, "mg.alembic_version");
	s0 = vh_test_snapshot(rt_conn, "mg");

	RT_OK(ini, "upgrade", "64f1b8e2c0a9");
	RT_VTLOG("INSERT 2d7a9c0e5b13; UPDATE 2d7a9c0e5b13>64f1b8e2c0a9");
	RT_OK(ini, "upgrade", "9ac3e5d7f182");
	RT_VTLOG("INSERT 9ac3e5d7f182");
	RT_VERSIONS("mg.alembic_version", "64f1b8e2c0a9,9ac3e5d7f182");
	two = vh_test_snapshot(rt_conn, "mg");

	/* The merge deletes the other parents' rows and updates the last
	 * parent's (Alembic's merge_branch_idents). */
	RT_OK(ini, "upgrade", "head");
	RT_VTLOG("DELETE 64f1b8e2c0a9; UPDATE 9ac3e5d7f182>d03b6a4c8e57");
	RT_VERSIONS("mg.alembic_version", "d03b6a4c8e57");
	merged = vh_test_snapshot(rt_conn, "mg");

	/* Down through the merge: INSERT the other parents, then UPDATE to
	 * the last one (Alembic's unmerge_branch_idents). Downgrading to one
	 * parent removes only what descends from it: the merge. */
	RT_OK(ini, "downgrade", "64f1b8e2c0a9");
	RT_VTLOG("INSERT 64f1b8e2c0a9; UPDATE d03b6a4c8e57>9ac3e5d7f182");
	RT_VERSIONS("mg.alembic_version", "64f1b8e2c0a9,9ac3e5d7f182");
	SNAP_EQ("mg", two);

	RT_OK(ini, "upgrade", "head");
	RT_VTLOG("DELETE 64f1b8e2c0a9; UPDATE 9ac3e5d7f182>d03b6a4c8e57");
	SNAP_EQ("mg", merged);

	/* All the way down and up again in one command each. */
	RT_OK(ini, "downgrade", "base");
	RT_VTLOG("INSERT 64f1b8e2c0a9; UPDATE d03b6a4c8e57>9ac3e5d7f182; "
		 "DELETE 9ac3e5d7f182; UPDATE 64f1b8e2c0a9>2d7a9c0e5b13; DELETE 2d7a9c0e5b13");
	RT_VERSIONS("mg.alembic_version", "");
	SNAP_EQ("mg", s0);
	RT_OK(ini, "upgrade", "head");
	RT_VTLOG("INSERT 2d7a9c0e5b13; UPDATE 2d7a9c0e5b13>64f1b8e2c0a9; INSERT 9ac3e5d7f182; "
		 "DELETE 64f1b8e2c0a9; UPDATE 9ac3e5d7f182>d03b6a4c8e57");
	SNAP_EQ("mg", merged);
	RT_NEQ(4, "SELECT count(*) FROM mg.vhost_history WHERE id > (SELECT max(id) FROM"
		  " mg.vhost_history WHERE direction = 'downgrade') AND outcome = 'applied'");
	free(s0);
	free(two);
	free(merged);
	free(ini);
}

/* ---------------------------------------------------------------------
 * Nothing to do
 * --------------------------------------------------------------------- */

/* Upgrading to where the database is, or to an ancestor of it, says so,
 * exits 0 and writes nothing; so does a downgrade to the current head. */
static void test_noop_and_ancestor(void)
{
	char *ini = rt_ini(dir_linear, "noop", NULL);
	const char *const specs[][3] = {
		{"upgrade", "head", "is already at head"},
		{"upgrade", "3b8e1f0c9a21", "is at e59b07d3c4f2, which already includes 3b8e1f0c9a21"},
		{"upgrade", "7c44d2a9e610", "is at e59b07d3c4f2, which already includes 7c44d2a9e610"},
		{"downgrade", "e59b07d3c4f2", "is already at e59b07d3c4f2"},
		{"upgrade", "heads", "is already at heads"},
	};
	long long hist;
	size_t i;

	start_schema(ini, "noop.alembic_version");
	RT_OK(ini, "upgrade", "head");
	rt_vtlog_clear();
	hist = rt_n("SELECT count(*) FROM noop.vhost_history");
	for (i = 0; i < sizeof(specs) / sizeof(*specs); i++) {
		vh_test_result r = rt_vhost(ini, specs[i][0], specs[i][1], NULL);

		CU_ASSERT(rt_status(&r, 0, specs[i][1]));
		CU_ASSERT(rt_has(r.err, "Nothing to do: noop "));
		CU_ASSERT(rt_has(r.err, specs[i][2]));
		CU_ASSERT(!strstr(r.err, "Running"));
		vh_test_result_free(&r);
	}
	RT_VTLOG("");
	RT_VERSIONS("noop.alembic_version", "e59b07d3c4f2");
	RT_NEQ(hist, "SELECT count(*) FROM noop.vhost_history");
	free(ini);
}

/* ---------------------------------------------------------------------
 * Configured names
 * --------------------------------------------------------------------- */

/* version_table and version_table_schema move the version table (and the
 * history table with it); the constraint follows the table's name. */
static void test_version_table_options(void)
{
	char *ini = rt_ini(dir_linear, "vo",
			   "version_table = my_versions\nversion_table_schema = vo_home\n"
			   "history_table = my_history");

	RT_OK(ini, "upgrade", "head");
	rt_assert_version_ddl("vo_home.my_versions", "my_versions");
	RT_VERSIONS("vo_home.my_versions", "e59b07d3c4f2");
	RT_NEQ(3, "SELECT count(*) FROM vo_home.my_history WHERE outcome = 'applied'");
	CU_ASSERT(rt_exists("vo.t_e59b07d3c4f2"));
	CU_ASSERT(!rt_exists("vo.alembic_version") && !rt_exists("vo.vhost_history"));
	CU_ASSERT(!rt_exists("vo_home.t_e59b07d3c4f2"));
	RT_OK(ini, "downgrade", "base");
	RT_VERSIONS("vo_home.my_versions", "");
	RT_NEQ(0, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
		  " WHERE n.nspname = 'vo'");
	free(ini);
}

/* ---------------------------------------------------------------------
 * JSON
 * --------------------------------------------------------------------- */

static void test_json_outputs(void)
{
	char *ini = rt_ini(dir_linear, "js", NULL);
	vh_test_result r;
	char *n;

	/* Before anything: no current revision, still valid JSON. */
	r = rt_vhost(ini, "current", "--json", NULL);
	CU_ASSERT(rt_status(&r, 0, "current --json at base"));
	RT_JSON(r.out, "jsonb_array_length(j->'current')", "0");
	RT_JSON(r.out, "j->>'schema'", "js");
	vh_test_result_free(&r);

	RT_OK(ini, "upgrade", "7c44d2a9e610");
	r = rt_vhost(ini, "current", "--json", NULL);
	CU_ASSERT(rt_status(&r, 0, "current --json"));
	RT_JSON(r.out, "jsonb_array_length(j->'current')", "1");
	RT_JSON(r.out, "j->'current'->0->>'revision'", "7c44d2a9e610");
	RT_JSON(r.out, "j->'current'->0->>'down_revision'", "3b8e1f0c9a21");
	RT_JSON(r.out, "j->'current'->0->>'message'", "second table");
	RT_JSON(r.out, "j->'current'->0->'head'", "false");
	RT_JSON(r.out, "j->'at_heads'", "false");
	vh_test_result_free(&r);

	RT_OK(ini, "upgrade", "head");
	RT_OK(ini, "downgrade", "-1");
	r = rt_vhost(ini, "history", "--applied", "--json", NULL);
	CU_ASSERT(rt_status(&r, 0, "history --applied --json"));
	RT_JSON(r.out, "jsonb_typeof(j)", "array");
	RT_JSON(r.out, "jsonb_array_length(j)", "4");
	RT_JSON(r.out, "(SELECT string_agg(e->>'direction' || ':' || (e->>'revision') || ':' ||"
		       " (e->>'outcome'), ',') FROM jsonb_array_elements(j) e)",
		"upgrade:3b8e1f0c9a21:applied,upgrade:7c44d2a9e610:applied,"
		"upgrade:e59b07d3c4f2:applied,downgrade:e59b07d3c4f2:reverted");
	vh_test_result_free(&r);
	n = rt_q("SELECT plugin_sha256 FROM js.vhost_history ORDER BY id LIMIT 1");
	r = rt_vhost(ini, "history", "--applied", "--json", NULL);
	RT_JSON(r.out, "j->0->>'plugin_sha256'", n);
	vh_test_result_free(&r);
	free(n);
	free(ini);
}

static void add_suites(void)
{
	CU_pSuite s = CU_add_suite("runner_chains", suite_init, suite_clean);

	CU_add_test(s, "linear round trip", test_linear_round_trip);
	CU_add_test(s, "branch round trip", test_branch_round_trip);
	CU_add_test(s, "merge round trip", test_merge_round_trip);
	CU_add_test(s, "no-op and ancestor upgrades", test_noop_and_ancestor);
	CU_add_test(s, "version_table options", test_version_table_options);
	CU_add_test(s, "current and history JSON", test_json_outputs);
}

int main(void)
{
	return vh_test_main(add_suites);
}
