/* test_runner_fail.c - what a failed run leaves behind, through the vhost
 * binary: a revision whose second statement fails, a verify() that fails,
 * a revision that empties the version table under the runner, and the
 * all-or-nothing modes (--single-transaction, transaction_per_revision =
 * false, --dry-run). In each case the previous revision and the schema must
 * be intact, and the history table must say what failed where a
 * per-revision transaction allows it.
 *
 * One database for the suite (run_fail); each test has its own schema. */
#include "run_util.h"

static char *dir_fail, *dir_verify, *dir_tamper, *dir_linear;

static int suite_init(void)
{
	static const char *const fail[] = {
		"run_fail/f1a000000001_base.so", "run_fail/f1a000000002_fails.so", NULL};
	static const char *const verify[] = {
		"run_verify/e1a000000001_base.so", "run_verify/e1a000000002_verify_fails.so", NULL};
	static const char *const tamper[] = {
		"run_tamper/7a0000000001_base.so", "run_tamper/7a0000000002_tamper.so", NULL};
	static const char *const linear[] = {
		"linear/3b8e1f0c9a21_first.so", "linear/7c44d2a9e610_second.so",
		"linear/e59b07d3c4f2_third.so", NULL};

	dir_fail = rt_strdup(vh_test_plugin_dir(fail));
	dir_verify = rt_strdup(vh_test_plugin_dir(verify));
	dir_tamper = rt_strdup(vh_test_plugin_dir(tamper));
	dir_linear = rt_strdup(vh_test_plugin_dir(linear));
	return rt_open("run_fail");
}

static int suite_clean(void)
{
	free(dir_fail);
	free(dir_verify);
	free(dir_tamper);
	free(dir_linear);
	return rt_close();
}

/* Number of relations in a schema (0 when it does not exist). */
static long long relations(const char *schema)
{
	return rt_n("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
		    " WHERE n.nspname = '%s'", schema);
}

static long long schemas_named(const char *schema)
{
	return rt_n("SELECT count(*) FROM pg_namespace WHERE nspname = '%s'", schema);
}

/* Advisory locks anyone holds in the suite's database. */
static long long advisory_locks(void)
{
	return rt_n("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database ="
		    " (SELECT oid FROM pg_database WHERE datname = current_database())");
}

/* ---------------------------------------------------------------------
 * A failing statement
 * --------------------------------------------------------------------- */

static void test_failing_revision(void)
{
	char *ini = rt_ini(dir_fail, "fl", NULL);
	char *failed, *ref;
	vh_test_result r;

	/* From empty: the base commits on its own, the second revision
	 * fails on its second statement and takes its first one with it. */
	r = rt_vhost(ini, "upgrade", "head", NULL);
	CU_ASSERT(rt_status(&r, 1, "upgrade head (second revision fails)"));
	CU_ASSERT(rt_has(r.err, "FAILED: upgrade f1a000000002"));
	CU_ASSERT(rt_has(r.err, "\"t_run_fail_missing\" does not exist"));
	CU_ASSERT(rt_has(r.err, "42P01"));
	CU_ASSERT(rt_has(r.err, "INSERT INTO t_run_fail_missing"));
	vh_test_result_free(&r);
	RT_VERSIONS("fl.alembic_version", "f1a000000001");
	CU_ASSERT(rt_exists("fl.t_run_fail_base"));
	CU_ASSERT(!rt_exists("fl.t_run_fail_two"));
	failed = vh_test_snapshot(rt_conn, "fl");

	/* The history table says what failed, where and why. */
	RT_HISTORY("fl.vhost_history",
		   "upgrade:f1a000000001:applied,upgrade:f1a000000002:failed");
	RT_EQ("42P01|INSERT INTO t_run_fail_missing VALUES (1)|false|f1a000000001",
	      "SELECT sqlstate || '|' || statement || '|' || attention || '|' || down_revision"
	      " FROM fl.vhost_history WHERE outcome = 'failed'");
	RT_NEQ(1, "SELECT count(*) FROM fl.vhost_history WHERE outcome = 'failed'"
		  " AND error LIKE '%%t_run_fail_missing%%does not exist%%'"
		  " AND plugin_file LIKE '%%/f1a000000002_fails.so'"
		  " AND plugin_sha256 ~ '^[0-9a-f]{64}$' AND duration_ms >= 0");

	/* Running it again fails the same way, from the same place. */
	r = rt_vhost(ini, "upgrade", "head", NULL);
	CU_ASSERT(rt_status(&r, 1, "upgrade head again"));
	CU_ASSERT(!strstr(r.err, "Running upgrade  -> f1a000000001"));
	vh_test_result_free(&r);
	RT_VERSIONS("fl.alembic_version", "f1a000000001");
	RT_NEQ(2, "SELECT count(*) FROM fl.vhost_history WHERE outcome = 'failed'");

	/* The catalog after the failure is exactly the base's: down to
	 * base and up to the base only gives the same snapshot. */
	RT_OK(ini, "downgrade", "base");
	RT_OK(ini, "upgrade", "f1a000000001");
	ref = vh_test_snapshot(rt_conn, "fl");
	CU_ASSERT(rt_same("catalog after the failure", failed, ref));
	free(failed);
	free(ref);
	free(ini);
}

/* ---------------------------------------------------------------------
 * verify()
 * --------------------------------------------------------------------- */

static void test_verify_failure(void)
{
	char *ini = rt_ini(dir_verify, "vf", NULL);
	vh_test_result r;

	r = rt_vhost(ini, "upgrade", "head", NULL);
	CU_ASSERT(rt_status(&r, 1, "upgrade head (verify fails)"));
	CU_ASSERT(rt_has(r.err, "FAILED: verify() of upgrade e1a000000002"));
	CU_ASSERT(rt_has(r.err, "t_run_verify has 0 rows, expected some"));
	vh_test_result_free(&r);
	/* The upgrade itself succeeded; verify() rolled it back. */
	RT_VERSIONS("vf.alembic_version", "e1a000000001");
	CU_ASSERT(rt_exists("vf.t_run_verify_base"));
	CU_ASSERT(!rt_exists("vf.t_run_verify"));
	RT_HISTORY("vf.vhost_history", "upgrade:e1a000000001:applied,upgrade:e1a000000002:failed");
	RT_NEQ(1, "SELECT count(*) FROM vf.vhost_history WHERE outcome = 'failed'"
		  " AND error LIKE '%%t_run_verify has 0 rows%%'");
	free(ini);
}

/* ---------------------------------------------------------------------
 * The version table changed under the run
 * --------------------------------------------------------------------- */

/* The revision empties the version table, so the runner's UPDATE matches no
 * row: Alembic's error, and the revision must not be committed (the check
 * has to come before the COMMIT, not after it). */
static void test_version_row_mismatch(void)
{
	char *ini = rt_ini(dir_tamper, "tp", NULL);
	vh_test_result r;

	r = rt_vhost(ini, "upgrade", "head", NULL);
	CU_ASSERT(rt_status(&r, 1, "upgrade head (revision empties the version table)"));
	CU_ASSERT(rt_has(r.err, "expected to match one row"));
	CU_ASSERT(rt_has(r.err, "7a0000000002"));
	CU_ASSERT(!strstr(r.err, "in statement: COMMIT"));
	vh_test_result_free(&r);
	RT_VERSIONS("tp.alembic_version", "7a0000000001");
	CU_ASSERT(rt_exists("tp.t_run_tamper"));
	CU_ASSERT(!rt_exists("tp.t_run_tamper_2"));
	RT_HISTORY("tp.vhost_history", "upgrade:7a0000000001:applied,upgrade:7a0000000002:failed");
	RT_NEQ(1, "SELECT count(*) FROM tp.vhost_history WHERE outcome = 'failed'"
		  " AND error LIKE '%%expected to match one row%%' AND statement IS NULL");
	free(ini);
}

/* ---------------------------------------------------------------------
 * All or nothing
 * --------------------------------------------------------------------- */

static void test_single_transaction(void)
{
	char *ini = rt_ini(dir_fail, "st", NULL);
	char *ini_cfg = rt_ini(dir_fail, "st_cfg", "transaction_per_revision = false");
	vh_test_result r;

	/* The base would succeed, but shares the transaction with the failing
	 * revision: none of it is left, only vhost's own tables with the
	 * failed row, as without the option (issue 20: there was no row). */
	r = rt_vhost(ini, "upgrade", "head", "--single-transaction", NULL);
	CU_ASSERT(rt_status(&r, 1, "upgrade head --single-transaction"));
	CU_ASSERT(rt_has(r.err, "FAILED: upgrade f1a000000002"));
	vh_test_result_free(&r);
	RT_VERSIONS("st.alembic_version", "");
	CU_ASSERT(!rt_exists("st.t_run_fail_base"));
	RT_HISTORY("st.vhost_history", "upgrade:f1a000000002:failed");
	rt_exec("DROP SCHEMA st CASCADE");

	/* The configuration setting does the same. */
	r = rt_vhost(ini_cfg, "upgrade", "head", NULL);
	CU_ASSERT(rt_status(&r, 1, "upgrade head, transaction_per_revision = false"));
	vh_test_result_free(&r);
	CU_ASSERT(!rt_exists("st_cfg.t_run_fail_base"));
	RT_HISTORY("st_cfg.vhost_history", "upgrade:f1a000000002:failed");

	/* A plan that succeeds commits as a whole. */
	r = rt_vhost(ini, "upgrade", "f1a000000001", "--single-transaction", NULL);
	CU_ASSERT(rt_status(&r, 0, "upgrade f1a000000001 --single-transaction"));
	vh_test_result_free(&r);
	RT_VERSIONS("st.alembic_version", "f1a000000001");
	CU_ASSERT(rt_exists("st.t_run_fail_base"));
	RT_HISTORY("st.vhost_history", "upgrade:f1a000000001:applied");

	/* And a failing one from there leaves it where it was. */
	r = rt_vhost(ini, "upgrade", "head", "--single-transaction", NULL);
	CU_ASSERT(rt_status(&r, 1, "upgrade head --single-transaction from the base"));
	vh_test_result_free(&r);
	RT_VERSIONS("st.alembic_version", "f1a000000001");
	CU_ASSERT(!rt_exists("st.t_run_fail_two"));
	CU_ASSERT_EQUAL(advisory_locks(), 0);
	free(ini);
	free(ini_cfg);
}

static void test_dry_run(void)
{
	char *ini = rt_ini(dir_linear, "dr", NULL), *ini_fail = rt_ini(dir_fail, "dr_fail", NULL);
	char *before, *after, *hist_before, *hist_after;
	vh_test_result r;

	/* From an empty database: everything ran, then nothing is left (no
	 * schema, no tables), and no lock outlives the run. */
	r = rt_vhost(ini, "upgrade", "head", "--dry-run", NULL);
	CU_ASSERT(rt_status(&r, 0, "upgrade head --dry-run"));
	CU_ASSERT(rt_has(r.err, "Running upgrade 7c44d2a9e610 -> e59b07d3c4f2"));
	/* The report's layout belongs to the workflow code; only that it
	 * says so. */
	CU_ASSERT(strstr(r.out, "rolled back") || rt_has(r.err, "rolled back"));
	vh_test_result_free(&r);
	CU_ASSERT_EQUAL(schemas_named("dr"), 0);
	CU_ASSERT_EQUAL(advisory_locks(), 0);

	/* From a revision: catalog, version rows and history all unchanged,
	 * both ways. */
	RT_OK(ini, "upgrade", "+1");
	before = vh_test_snapshot(rt_conn, "dr");
	hist_before = rt_q("SELECT string_agg(id || revision || outcome, ',' ORDER BY id)"
			   " FROM dr.vhost_history");
	r = rt_vhost(ini, "upgrade", "head", "--dry-run", NULL);
	CU_ASSERT(rt_status(&r, 0, "upgrade head --dry-run from a revision"));
	vh_test_result_free(&r);
	r = rt_vhost(ini, "downgrade", "base", "--dry-run", NULL);
	CU_ASSERT(rt_status(&r, 0, "downgrade base --dry-run"));
	CU_ASSERT(rt_has(r.err, "Running downgrade 3b8e1f0c9a21"));
	vh_test_result_free(&r);
	after = vh_test_snapshot(rt_conn, "dr");
	hist_after = rt_q("SELECT string_agg(id || revision || outcome, ',' ORDER BY id)"
			  " FROM dr.vhost_history");
	CU_ASSERT(rt_same("catalog after dry runs", after, before));
	CU_ASSERT(rt_same("history after dry runs", hist_after, hist_before));
	RT_VERSIONS("dr.alembic_version", "3b8e1f0c9a21");
	CU_ASSERT_EQUAL(advisory_locks(), 0);

	/* A dry run that fails also leaves nothing, and fails like the real
	 * run would. */
	r = rt_vhost(ini_fail, "upgrade", "head", "--dry-run", NULL);
	CU_ASSERT(rt_status(&r, 1, "upgrade head --dry-run (failing revision)"));
	CU_ASSERT(rt_has(r.err, "FAILED: upgrade f1a000000002"));
	vh_test_result_free(&r);
	CU_ASSERT_EQUAL(schemas_named("dr_fail"), 0);
	CU_ASSERT_EQUAL(relations("dr_fail"), 0);
	CU_ASSERT_EQUAL(advisory_locks(), 0);
	free(before);
	free(after);
	free(hist_before);
	free(hist_after);
	free(ini);
	free(ini_fail);
}

static void add_suites(void)
{
	CU_pSuite s = CU_add_suite("runner_fail", suite_init, suite_clean);

	CU_add_test(s, "failing revision", test_failing_revision);
	CU_add_test(s, "verify failure", test_verify_failure);
	CU_add_test(s, "version row mismatch", test_version_row_mismatch);
	CU_add_test(s, "single transaction", test_single_transaction);
	CU_add_test(s, "dry run", test_dry_run);
}

int main(void)
{
	return vh_test_main(add_suites);
}
