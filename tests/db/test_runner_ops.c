/* test_runner_ops.c - the runner's guards and the operator's tools, through
 * the vhost binary: stamp (with the statements it sends) and --purge; the
 * drift check (an applied plugin replaced afterwards) and --ignore-drift; a
 * version table naming a revision no plugin provides; and a schema whose
 * name needs quoting, end to end, with what a revision sees of its session
 * (search_path, timeouts, the migration lock).
 *
 * One database for the suite (run_ops); each test has its own schema. */
#include "run_util.h"

static char *dir_linear, *dir_probe;

static int suite_init(void)
{
	static const char *const linear[] = {
		"linear/3b8e1f0c9a21_first.so", "linear/7c44d2a9e610_second.so",
		"linear/e59b07d3c4f2_third.so", NULL};
	static const char *const probe[] = {
		"run_probe/9a0000000001_probe.so", "run_probe/9a0000000002_odd_names.so", NULL};

	dir_linear = rt_strdup(vh_test_plugin_dir(linear));
	dir_probe = rt_strdup(vh_test_plugin_dir(probe));
	return rt_open("run_ops");
}

static int suite_clean(void)
{
	free(dir_linear);
	free(dir_probe);
	return rt_close();
}

/* A snapshot of everything a refused command must not touch: the catalog,
 * the version rows and the history rows. Caller frees. */
static char *state_of(const char *schema)
{
	char *snap = vh_test_snapshot(rt_conn, schema);
	char *rows = rt_q("SELECT coalesce(string_agg(version_num, ',' ORDER BY version_num), '')"
			  " FROM \"%s\".alembic_version", schema);
	char *hist = rt_q("SELECT coalesce(string_agg(id || ':' || revision || ':' || outcome, ','"
			  " ORDER BY id), '') FROM \"%s\".vhost_history", schema);
	char *all = rt_fmt("%s\nrows: %s\nhistory: %s\n", snap, rows, hist);

	free(snap);
	free(rows);
	free(hist);
	return all;
}

#define STATE_UNCHANGED(schema, before)                                        \
	do {                                                                   \
		char *after__ = state_of(schema);                              \
		CU_ASSERT(rt_same("state of " schema, after__, (before)));     \
		free(after__);                                                 \
	} while (0)

/* ---------------------------------------------------------------------
 * stamp
 * --------------------------------------------------------------------- */

static void test_stamp(void)
{
	char *ini = rt_ini(dir_linear, "sp", NULL);
	vh_test_result r;

	RT_OK(ini, "stamp", "base");
	rt_vtlog_attach("sp.alembic_version");
	RT_VERSIONS("sp.alembic_version", "");

	/* Stamping runs no revision: a row appears, no table. */
	RT_OK(ini, "stamp", "head");
	RT_VTLOG("INSERT e59b07d3c4f2");
	CU_ASSERT(!rt_exists("sp.t_e59b07d3c4f2"));
	RT_EQ("stamp:e59b07d3c4f2:stamped",
	      "SELECT direction || ':' || revision || ':' || outcome FROM sp.vhost_history"
	      " ORDER BY id DESC LIMIT 1");

	/* A linear move is one UPDATE; the upgrade then runs from there. */
	RT_OK(ini, "stamp", "3b8e1f0c9a21");
	RT_VTLOG("UPDATE e59b07d3c4f2>3b8e1f0c9a21");
	RT_OK(ini, "upgrade", "head");
	RT_VTLOG("UPDATE 3b8e1f0c9a21>7c44d2a9e610; UPDATE 7c44d2a9e610>e59b07d3c4f2");
	CU_ASSERT(!rt_exists("sp.t_3b8e1f0c9a21") && rt_exists("sp.t_7c44d2a9e610"));

	RT_OK(ini, "stamp", "base");
	RT_VTLOG("DELETE e59b07d3c4f2");
	RT_VERSIONS("sp.alembic_version", "");

	/* A row no plugin knows: a plain stamp refuses it, --purge clears
	 * the table first. */
	rt_exec("INSERT INTO sp.alembic_version VALUES ('abcdef123456')");
	rt_vtlog_clear();
	r = rt_vhost(ini, "stamp", "head", NULL);
	CU_ASSERT(rt_status(&r, 1, "stamp head over an unknown row"));
	CU_ASSERT(rt_has(r.err, "Can't locate revision identified by 'abcdef123456'"));
	vh_test_result_free(&r);
	RT_VTLOG("");
	RT_OK(ini, "stamp", "--purge", "7c44d2a9e610");
	RT_VTLOG("DELETE abcdef123456; INSERT 7c44d2a9e610");
	RT_VERSIONS("sp.alembic_version", "7c44d2a9e610");

	/* --sql prints the statements and touches nothing. */
	r = rt_vhost(ini, "stamp", "--sql", "head", NULL);
	CU_ASSERT(rt_status(&r, 0, "stamp --sql head"));
	CU_ASSERT(rt_has(r.out, "e59b07d3c4f2"));
	vh_test_result_free(&r);
	RT_VTLOG("");
	RT_VERSIONS("sp.alembic_version", "7c44d2a9e610");
	free(ini);
}

/* ---------------------------------------------------------------------
 * Drift
 * --------------------------------------------------------------------- */

static void test_drift(void)
{
	static const char *const drift[] = {
		"run_drift/d1a000000001_base.so", "run_drift/d1a000000002_second.so", NULL};
	char *dir = rt_strdup(vh_test_plugin_dir(drift));
	char *ini = rt_ini(dir, "dft", NULL), *before, *cmd;
	vh_test_result r;

	RT_OK(ini, "upgrade", "d1a000000001");
	before = state_of("dft");

	/* Someone rebuilt the applied revision with another body. */
	cmd = rt_fmt("cp '%s/run_drift_alt/d1a000000001_base.so' '%s/d1a000000001_base.so'",
		     VHOST_FIXTURE_DIR, dir);
	r = vh_test_sh(cmd);
	CU_ASSERT(rt_status(&r, 0, cmd));
	vh_test_result_free(&r);

	r = rt_vhost(ini, "upgrade", "head", NULL);
	CU_ASSERT(rt_status(&r, 1, "upgrade head after the plugin changed"));
	CU_ASSERT(rt_has(r.err, "revision d1a000000001 was applied"));
	CU_ASSERT(rt_has(r.err, "--ignore-drift"));
	CU_ASSERT(!strstr(r.err, "Running upgrade"));
	vh_test_result_free(&r);
	r = rt_vhost(ini, "downgrade", "base", NULL);
	CU_ASSERT(rt_status(&r, 1, "downgrade base after the plugin changed"));
	CU_ASSERT(rt_has(r.err, "revision d1a000000001 was applied"));
	vh_test_result_free(&r);
	STATE_UNCHANGED("dft", before);

	/* The operator says it is harmless. */
	r = rt_vhost(ini, "upgrade", "head", "--ignore-drift", NULL);
	CU_ASSERT(rt_status(&r, 0, "upgrade head --ignore-drift"));
	CU_ASSERT(rt_has(r.err, "Running upgrade d1a000000001 -> d1a000000002"));
	vh_test_result_free(&r);
	RT_VERSIONS("dft.alembic_version", "d1a000000002");

	/* Reverting and re-applying with the new file makes it the applied
	 * one: no drift any more. */
	RT_OK(ini, "downgrade", "base", "--ignore-drift");
	RT_OK(ini, "upgrade", "head");
	RT_NEQ(1, "SELECT count(*) FROM pg_attribute WHERE attrelid = 'dft.t_run_drift'::regclass"
		  " AND attname = 'edited'");
	free(before);
	free(cmd);
	free(ini);
	free(dir);
}

/* ---------------------------------------------------------------------
 * Unknown revisions
 * --------------------------------------------------------------------- */

static void test_unknown_revision(void)
{
	char *ini = rt_ini(dir_linear, "unk", NULL), *before;
	const char *const cmds[][2] = {
		{"upgrade", "head"}, {"downgrade", "base"}, {"upgrade", "+1"}, {"current", NULL},
	};
	vh_test_result r;
	size_t i;

	RT_OK(ini, "upgrade", "7c44d2a9e610");
	/* The revision file was deleted after it was applied. */
	rt_exec("UPDATE unk.alembic_version SET version_num = 'abc123abc123'");
	before = state_of("unk");
	for (i = 0; i < sizeof(cmds) / sizeof(*cmds); i++) {
		r = rt_vhost(ini, cmds[i][0], cmds[i][1], NULL);
		CU_ASSERT(rt_status(&r, 1, cmds[i][0]));
		CU_ASSERT(rt_has(r.err, "Can't locate revision identified by 'abc123abc123'"));
		CU_ASSERT(!strstr(r.err, "Running"));
		vh_test_result_free(&r);
	}
	STATE_UNCHANGED("unk", before);

	/* An unknown target is the same message, and touches nothing. */
	rt_exec("UPDATE unk.alembic_version SET version_num = '7c44d2a9e610'");
	free(before);
	before = state_of("unk");
	r = rt_vhost(ini, "upgrade", "ffffeeeedddd", NULL);
	CU_ASSERT(r.status != 0);
	CU_ASSERT(rt_has(r.err, "Can't locate revision identified by 'ffffeeeedddd'"));
	vh_test_result_free(&r);
	STATE_UNCHANGED("unk", before);
	free(before);
	free(ini);
}

/* ---------------------------------------------------------------------
 * A schema name that needs quoting
 * --------------------------------------------------------------------- */

static void test_odd_schema(void)
{
	char *ini = rt_ini(dir_probe, "Odd Schema",
			   "version_table = Odd Versions\nlock_timeout = 1500ms\n"
			   "statement_timeout = 1min");
	char *s0;
	vh_test_result r;

	RT_OK(ini, "stamp", "base");
	rt_assert_version_ddl("\"Odd Schema\".\"Odd Versions\"", "Odd Versions");
	rt_vtlog_attach("\"Odd Schema\".\"Odd Versions\"");
	s0 = vh_test_snapshot(rt_conn, "Odd Schema");

	RT_OK(ini, "upgrade", "head");
	RT_VTLOG("INSERT 9a0000000001; UPDATE 9a0000000001>9a0000000002");
	RT_VERSIONS("\"Odd Schema\".\"Odd Versions\"", "9a0000000002");
	/* What the first revision saw: the target schema first on the
	 * search_path, the configured timeouts, and the migration lock held
	 * by its own session. */
	RT_EQ("Odd Schema", "SELECT cur_schema FROM \"Odd Schema\".probe");
	RT_EQ("\"Odd Schema\", public", "SELECT path FROM \"Odd Schema\".probe");
	RT_EQ("1500ms", "SELECT lock_timeout FROM \"Odd Schema\".probe");
	RT_EQ("1min", "SELECT statement_timeout FROM \"Odd Schema\".probe");
	RT_EQ("1", "SELECT advisory_locks FROM \"Odd Schema\".probe");
	CU_ASSERT(rt_exists("\"Odd Schema\".\"Odd Index\""));
	CU_ASSERT(!rt_exists("public.probe"));
	RT_HISTORY("\"Odd Schema\".vhost_history",
		   "upgrade:9a0000000001:applied,upgrade:9a0000000002:applied");

	r = rt_vhost(ini, "current", NULL);
	CU_ASSERT(rt_status(&r, 0, "current"));
	CU_ASSERT(rt_has(r.out, "9a0000000002 (head)"));
	vh_test_result_free(&r);
	r = rt_vhost(ini, "current", "--json", NULL);
	RT_JSON(r.out, "j->>'schema'", "Odd Schema");
	RT_JSON(r.out, "j->'current'->0->>'revision'", "9a0000000002");
	vh_test_result_free(&r);
	r = rt_vhost(ini, "history", "--applied", NULL);
	CU_ASSERT(rt_status(&r, 0, "history --applied"));
	CU_ASSERT(rt_has(r.out, "9a0000000002"));
	vh_test_result_free(&r);

	/* A dry run and the way back down work as well. */
	r = rt_vhost(ini, "downgrade", "base", "--dry-run", NULL);
	CU_ASSERT(rt_status(&r, 0, "downgrade base --dry-run"));
	vh_test_result_free(&r);
	RT_VTLOG("");
	RT_OK(ini, "downgrade", "base");
	RT_VTLOG("UPDATE 9a0000000002>9a0000000001; DELETE 9a0000000001");
	{
		char *now = vh_test_snapshot(rt_conn, "Odd Schema");

		CU_ASSERT(rt_same("catalog of Odd Schema at base", now, s0));
		free(now);
	}
	RT_OK(ini, "stamp", "9a0000000001");
	RT_VTLOG("INSERT 9a0000000001");
	free(s0);
	free(ini);
}

static void add_suites(void)
{
	CU_pSuite s = CU_add_suite("runner_ops", suite_init, suite_clean);

	CU_add_test(s, "stamp and --purge", test_stamp);
	CU_add_test(s, "drift", test_drift);
	CU_add_test(s, "unknown revision", test_unknown_revision);
	CU_add_test(s, "odd schema end to end", test_odd_schema);
}

int main(void)
{
	return vh_test_main(add_suites);
}
