/* test_runner_lock.c - vhost against other sessions: a revision that hits
 * lock_timeout on a table another session holds, retried with backoff until
 * the other session lets go or lock_retries runs out; and eight `vhost
 * upgrade head` processes started at once on an empty database, of which
 * exactly one migrates while the others wait on the migration lock and find
 * nothing left to do.
 *
 * Database run_lock for the lock_timeout tests, a fresh run_lock_empty for
 * the concurrent start. */
#include "run_util.h"

#define EMPTY_DB "run_lock_empty"

static char *dir_lock, *dir_sleep;

static int suite_init(void)
{
	static const char *const lock[] = {
		"run_lock/a2a000000001_table.so", "run_lock/a2a000000002_alter.so", NULL};
	static const char *const sleep_set[] = {
		"run_sleep/b1a000000001_slow.so", "run_sleep/b1a000000002_second.so",
		"run_sleep/b1a000000003_third.so", NULL};

	dir_lock = rt_strdup(vh_test_plugin_dir(lock));
	dir_sleep = rt_strdup(vh_test_plugin_dir(sleep_set));
	return rt_open("run_lock");
}

static int suite_clean(void)
{
	free(dir_lock);
	free(dir_sleep);
	if (!getenv("VH_TEST_KEEP"))
		rt_dropdb(EMPTY_DB);
	return rt_close();
}

/* A second session that takes ACCESS SHARE on `table` in an open
 * transaction: enough to make ALTER TABLE wait. The caller ends it. */
static PGconn *hold_table(const char *table)
{
	PGconn *c = vh_test_connect(rt_db);
	char *sql = rt_fmt("BEGIN; LOCK TABLE %s IN ACCESS SHARE MODE", table);

	if (vh_test_exec(c, sql) < 0)
		rt_die("cannot lock the table");
	free(sql);
	return c;
}

/* Counts the occurrences of `needle` in `hay`. */
static int count_of(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL)
		n++, hay++;
	return n;
}

/* ---------------------------------------------------------------------
 * lock_timeout
 * --------------------------------------------------------------------- */

/* The other session lets go as soon as vhost's first attempt has given up
 * waiting: the server runs a loop there that watches pg_locks for vhost's
 * ungranted request to appear and then to go (lock_timeout), and COMMITs
 * right after, whatever the timing of vhost's start. The retry after the
 * 1 s backoff then succeeds. */
static void test_lock_timeout_retry_succeeds(void)
{
	static const char release[] =
		"DO $$\n"
		"DECLARE\n"
		"  stop timestamptz := clock_timestamp() + interval '30 s';\n"
		"BEGIN\n"
		"  WHILE NOT EXISTS (SELECT 1 FROM pg_locks WHERE NOT granted\n"
		"      AND relation = to_regclass('lk_ok.t_run_lock'))\n"
		"      AND clock_timestamp() < stop LOOP\n"
		"    PERFORM pg_sleep(0.01);\n"
		"  END LOOP;\n"
		"  WHILE EXISTS (SELECT 1 FROM pg_locks WHERE NOT granted\n"
		"      AND relation = to_regclass('lk_ok.t_run_lock'))\n"
		"      AND clock_timestamp() < stop LOOP\n"
		"    PERFORM pg_sleep(0.01);\n"
		"  END LOOP;\n"
		"END $$;\n"
		"COMMIT";
	char *ini = rt_ini(dir_lock, "lk_ok", "lock_timeout = 200ms\nlock_retries = 2");
	PGconn *holder;
	PGresult *res;
	vh_test_result r;
	double t0, ms;

	RT_OK(ini, "upgrade", "a2a000000001");
	holder = hold_table("lk_ok.t_run_lock");
	if (!PQsendQuery(holder, release))
		rt_die("cannot send to the holding session");
	t0 = rt_now_ms();
	r = rt_vhost(ini, "upgrade", "head", NULL);
	ms = rt_now_ms() - t0;
	CU_ASSERT(rt_status(&r, 0, "upgrade head behind a table lock released after one try"));
	CU_ASSERT(rt_has(r.err, "lock_timeout (200 ms) hit"));
	CU_ASSERT(rt_has(r.err, "attempt 2 of 3"));
	CU_ASSERT(!strstr(r.err, "attempt 3 of 3"));
	vh_test_result_free(&r);
	/* The backoff really waited (1 s) before the second attempt. */
	CU_ASSERT(ms >= 1200);
	while ((res = PQgetResult(holder)) != NULL) {
		CU_ASSERT(PQresultStatus(res) == PGRES_COMMAND_OK);
		PQclear(res);
	}
	while ((res = PQgetResult(holder)) != NULL)
		PQclear(res);
	PQfinish(holder);

	RT_VERSIONS("lk_ok.alembic_version", "a2a000000002");
	RT_NEQ(1, "SELECT count(*) FROM pg_attribute WHERE attrelid = 'lk_ok.t_run_lock'::regclass"
		  " AND attname = 'added'");
	/* a row per attempt (issue 20) */
	RT_HISTORY("lk_ok.vhost_history",
		   "upgrade:a2a000000001:applied,upgrade:a2a000000002:failed,"
		   "upgrade:a2a000000002:applied");
	free(ini);
}

/* The other session keeps its lock: 1 + lock_retries attempts (one retry
 * here, to keep the test short: the second backoff would be 2 s), then a
 * failure with the SQLSTATE, recorded. */
static void test_lock_timeout_gives_up(void)
{
	char *ini = rt_ini(dir_lock, "lk_fail", "lock_timeout = 200ms\nlock_retries = 1");
	PGconn *holder;
	vh_test_result r;
	double t0, ms;

	RT_OK(ini, "upgrade", "a2a000000001");
	holder = hold_table("lk_fail.t_run_lock");
	t0 = rt_now_ms();
	r = rt_vhost(ini, "upgrade", "head", NULL);
	ms = rt_now_ms() - t0;
	CU_ASSERT(rt_status(&r, 1, "upgrade head behind a table lock never released"));
	CU_ASSERT_EQUAL(count_of(r.err, "lock_timeout (200 ms) hit"), 1);
	CU_ASSERT(rt_has(r.err, "attempt 2 of 2"));
	CU_ASSERT(rt_has(r.err, "FAILED: upgrade a2a000000002"));
	CU_ASSERT(rt_has(r.err, "55P03"));
	vh_test_result_free(&r);
	CU_ASSERT(ms >= 1400);
	vh_test_exec(holder, "ROLLBACK");
	PQfinish(holder);

	RT_VERSIONS("lk_fail.alembic_version", "a2a000000001");
	RT_NEQ(0, "SELECT count(*) FROM pg_attribute WHERE attrelid = 'lk_fail.t_run_lock'::regclass"
		  " AND attname = 'added'");
	RT_HISTORY("lk_fail.vhost_history",
		   "upgrade:a2a000000001:applied,upgrade:a2a000000002:failed,"
		   "upgrade:a2a000000002:failed");
	RT_EQ("55P03", "SELECT string_agg(DISTINCT sqlstate, ',') FROM lk_fail.vhost_history "
		       "WHERE outcome = 'failed'");
	free(ini);
}

/* ---------------------------------------------------------------------
 * Concurrent starts
 * --------------------------------------------------------------------- */

static void test_eight_concurrent_upgrades(void)
{
	const char *db;
	char *ini, *dir, *cmd, *slash;
	vh_test_result r;
	PGconn *saved = rt_conn;

	db = vh_test_createdb(EMPTY_DB);
	ini = rt_ini_db(db, dir_sleep, "cc", NULL);
	/* The ini's own temporary directory holds each process's output. */
	dir = rt_strdup(ini);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	cmd = rt_fmt("cd '%s' || exit 99; pids=; for i in 1 2 3 4 5 6 7 8; do"
		     " '%s' -c '%s' upgrade head >out.$i 2>err.$i & pids=\"$pids $!\"; done;"
		     " for p in $pids; do wait $p; echo \"exit $?\"; done;"
		     " echo \"ran $(grep -l 'Running upgrade' err.* | wc -l)\";"
		     " echo \"idle $(grep -l 'Nothing to do' err.* | wc -l)\";"
		     " echo \"waited $(grep -l 'Waiting for another' err.* | wc -l)\";"
		     " cat err.* >&2",
		     dir, VHOST_BIN, ini);
	r = vh_test_sh(cmd);
	CU_ASSERT(rt_status(&r, 0, "eight concurrent upgrades"));
	/* All eight exit 0; one migrates, seven find nothing to do. */
	CU_ASSERT_EQUAL(count_of(r.out, "exit 0\n"), 8);
	CU_ASSERT_EQUAL(count_of(r.out, "exit "), 8);
	CU_ASSERT(rt_has(r.out, "ran 1\n"));
	CU_ASSERT(rt_has(r.out, "idle 7\n"));
	if (!strstr(r.out, "ran 1\n"))
		fprintf(stderr, "\n  their output:\n%s\n%s\n", r.out, r.err);
	vh_test_result_free(&r);

	/* Every revision applied exactly once, nothing failed. */
	rt_conn = vh_test_connect(db);
	RT_EQ("b1a000000001=1,b1a000000002=1,b1a000000003=1",
	      "SELECT string_agg(revision || '=' || n, ',' ORDER BY revision) FROM"
	      " (SELECT revision, count(*) AS n FROM cc.vhost_history"
	      "  WHERE direction = 'upgrade' AND outcome = 'applied' GROUP BY revision) s");
	RT_NEQ(3, "SELECT count(*) FROM cc.vhost_history");
	RT_VERSIONS("cc.alembic_version", "b1a000000003");
	CU_ASSERT(rt_exists("cc.t_run_sleep_1") && rt_exists("cc.t_run_sleep_3"));
	PQfinish(rt_conn);
	rt_conn = saved;
	free(cmd);
	free(dir);
	free(ini);
}

static void add_suites(void)
{
	CU_pSuite s = CU_add_suite("runner_lock", suite_init, suite_clean);

	CU_add_test(s, "lock_timeout, retried, succeeds", test_lock_timeout_retry_succeeds);
	CU_add_test(s, "lock_timeout, retries exhausted", test_lock_timeout_gives_up);
	CU_add_test(s, "eight concurrent upgrades", test_eight_concurrent_upgrades);
}

int main(void)
{
	return vh_test_main(add_suites);
}
