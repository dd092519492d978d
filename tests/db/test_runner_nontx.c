/* test_runner_nontx.c - non-transactional revisions (VHOST_NON_TRANSACTIONAL,
 * here CREATE INDEX CONCURRENTLY) through the vhost binary: one that runs
 * cleanly, one that fails part-way, one whose vhost is killed mid-run. A
 * revision left "in progress" must make the next run refuse, naming it and
 * saying what to do, until `vhost stamp` or --retry-interrupted settles it.
 *
 * The fixture c1a000000002 reads the session setting vhtest.mode, set here
 * through PGOPTIONS, to fail or to sleep. The target schema's name needs
 * quoting, so the search_path outside a transaction is exercised too.
 *
 * One database for the suite (run_nontx); each test has its own schema. */
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run_util.h"

static const char *const env_fail[] = {"PGOPTIONS=-c vhtest.mode=fail", NULL};

static char *dir_nontx;

static int suite_init(void)
{
	static const char *const nontx[] = {
		"run_nontx/c1a000000001_base.so", "run_nontx/c1a000000002_concurrent.so",
		"run_nontx/c1a000000003_after.so", NULL};

	dir_nontx = rt_strdup(vh_test_plugin_dir(nontx));
	return rt_open("run_nontx");
}

static int suite_clean(void)
{
	free(dir_nontx);
	return rt_close();
}

/* 't' when index `ix` (regclass text) exists and is valid, 'f' when it is
 * invalid (a failed CONCURRENTLY build), "" when there is none. */
static char *index_valid(const char *ix)
{
	return rt_q("SELECT indisvalid::text FROM pg_index WHERE indexrelid = to_regclass('%s')", ix);
}

#define INDEX_VALID(ix, want)                                                  \
	do {                                                                   \
		char *v__ = index_valid(ix);                                   \
		CU_ASSERT(rt_same("index " ix, v__, (want)));                  \
		free(v__);                                                     \
	} while (0)

/* ---------------------------------------------------------------------
 * A clean run
 * --------------------------------------------------------------------- */

static void test_nontx_applies(void)
{
	char *ini = rt_ini(dir_nontx, "Nontx Ok", NULL);
	vh_test_result r;

	/* CREATE INDEX CONCURRENTLY fails in a transaction block, so success
	 * shows it ran outside one; the unqualified names show the
	 * search_path was the target schema. */
	RT_OK(ini, "upgrade", "head");
	RT_VERSIONS("\"Nontx Ok\".alembic_version", "c1a000000003");
	INDEX_VALID("\"Nontx Ok\".ix_run_nontx", "true");
	CU_ASSERT(!rt_exists("public.ix_run_nontx"));
	RT_HISTORY("\"Nontx Ok\".vhost_history",
		   "upgrade:c1a000000001:applied,upgrade:c1a000000002:in_progress,"
		   "upgrade:c1a000000002:applied,upgrade:c1a000000003:applied");
	RT_NEQ(0, "SELECT count(*) FROM \"Nontx Ok\".vhost_history WHERE attention");

	/* It cannot join a plan-wide transaction: refused before anything runs. */
	RT_OK(ini, "downgrade", "base");
	r = rt_vhost(ini, "upgrade", "head", "--single-transaction", NULL);
	CU_ASSERT(rt_status(&r, 1, "upgrade head --single-transaction"));
	CU_ASSERT(rt_has(r.err, "c1a000000002 must run outside a transaction"));
	vh_test_result_free(&r);
	/* A dry run cannot check it either; how it reports that is the
	 * workflow's business, but it must name it and leave nothing. */
	r = rt_vhost(ini, "upgrade", "head", "--dry-run", NULL);
	CU_ASSERT(strstr(r.out, "c1a000000002") || rt_has(r.err, "c1a000000002"));
	vh_test_result_free(&r);
	RT_VERSIONS("\"Nontx Ok\".alembic_version", "");
	CU_ASSERT(!rt_exists("\"Nontx Ok\".t_run_nontx"));

	/* Down again, through the non-transactional downgrade. */
	RT_OK(ini, "upgrade", "head");
	RT_OK(ini, "downgrade", "c1a000000001");
	RT_VERSIONS("\"Nontx Ok\".alembic_version", "c1a000000001");
	INDEX_VALID("\"Nontx Ok\".ix_run_nontx", "");
	free(ini);
}

/* ---------------------------------------------------------------------
 * Failing part-way
 * --------------------------------------------------------------------- */

static void test_nontx_partial_failure(void)
{
	char *ini = rt_ini(dir_nontx, "ntf", NULL);
	vh_test_result r;
	long long hist;

	r = rt_vhost_env(env_fail, ini, "upgrade", "head", NULL);
	CU_ASSERT(rt_status(&r, 1, "upgrade head, failing after the index"));
	CU_ASSERT(rt_has(r.err, "FAILED: upgrade c1a000000002"));
	CU_ASSERT(rt_has(r.err, "division by zero"));
	CU_ASSERT(rt_has(r.err, "outside a transaction"));
	CU_ASSERT(rt_has(r.err, "vhost stamp c1a000000002"));
	vh_test_result_free(&r);
	/* The index took effect, the version table did not move, and the
	 * revision stays flagged for an operator. */
	INDEX_VALID("ntf.ix_run_nontx", "true");
	RT_VERSIONS("ntf.alembic_version", "c1a000000001");
	CU_ASSERT(!rt_exists("ntf.t_run_nontx_after"));
	RT_HISTORY("ntf.vhost_history",
		   "upgrade:c1a000000001:applied,upgrade:c1a000000002:in_progress,"
		   "upgrade:c1a000000002:failed");
	RT_EQ("c1a000000002:in_progress",
	      "SELECT string_agg(revision || ':' || outcome, ',') FROM ntf.vhost_history"
	      " WHERE attention");
	RT_EQ("22012", "SELECT sqlstate FROM ntf.vhost_history WHERE outcome = 'failed'");

	/* The next run refuses, naming the revision and the ways out, and
	 * changes nothing. */
	hist = rt_n("SELECT count(*) FROM ntf.vhost_history");
	r = rt_vhost(ini, "upgrade", "head", NULL);
	CU_ASSERT(rt_status(&r, 1, "upgrade head after a part-way failure"));
	CU_ASSERT(rt_has(r.err, "non-transactional revision c1a000000002"));
	CU_ASSERT(rt_has(r.err, "vhost stamp c1a000000002"));
	CU_ASSERT(rt_has(r.err, "--retry-interrupted"));
	CU_ASSERT(!strstr(r.err, "Running upgrade"));
	vh_test_result_free(&r);
	RT_VERSIONS("ntf.alembic_version", "c1a000000001");
	RT_NEQ(hist, "SELECT count(*) FROM ntf.vhost_history");

	/* The operator checked: the index is there. Stamping settles it, and
	 * the run goes on from there without running it again. */
	RT_OK(ini, "stamp", "c1a000000002");
	RT_VERSIONS("ntf.alembic_version", "c1a000000002");
	RT_NEQ(0, "SELECT count(*) FROM ntf.vhost_history WHERE attention");
	r = rt_vhost(ini, "upgrade", "head", NULL);
	CU_ASSERT(rt_status(&r, 0, "upgrade head after the stamp"));
	CU_ASSERT(rt_has(r.err, "Running upgrade c1a000000002 -> c1a000000003"));
	CU_ASSERT(!strstr(r.err, "-> c1a000000002"));
	vh_test_result_free(&r);
	RT_VERSIONS("ntf.alembic_version", "c1a000000003");
	free(ini);
}

/* ---------------------------------------------------------------------
 * Killed mid-run
 * --------------------------------------------------------------------- */

/* Starts `vhost -c ini upgrade head` with PGOPTIONS set to make the
 * non-transactional revision sleep, output discarded; returns its pid. */
static pid_t spawn_sleeping_upgrade(const char *ini)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0)
		rt_die("fork failed");
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);

		if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(127);
		setenv("PGOPTIONS", "-c vhtest.mode=sleep", 1);
		execl(VHOST_BIN, VHOST_BIN, "-c", ini, "upgrade", "head", (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* The pid of the vhost session running pg_sleep in our database, polled
 * for up to 10 s; "" when it never showed up. Caller frees. */
static char *sleeping_backend(void)
{
	double t0 = rt_now_ms();
	char *pid = rt_strdup("");

	while (!*pid && rt_now_ms() - t0 < 10000) {
		free(pid);
		pid = rt_q("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
			   " AND application_name = 'vhost-run-test' AND state = 'active'"
			   " AND query LIKE 'SELECT pg_sleep(60)%%'");
		if (!*pid)
			usleep(20000);
	}
	return pid;
}

static void test_nontx_killed(void)
{
	char *ini = rt_ini(dir_nontx, "ntk", NULL), *backend;
	vh_test_result r;
	pid_t pid;
	int st = 0;
	double t0;

	RT_OK(ini, "upgrade", "c1a000000001");
	pid = spawn_sleeping_upgrade(ini);
	backend = sleeping_backend();
	CU_ASSERT(*backend != '\0');
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	CU_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	/* The server would notice the dead client at its next write or
	 * keepalive; end the session now, as that would, and wait for it
	 * to be gone (its migration lock with it). */
	if (*backend) {
		RT_EQ("true", "SELECT pg_terminate_backend(%s)::text", backend);
		t0 = rt_now_ms();
		while (rt_n("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", backend) > 0 &&
		       rt_now_ms() - t0 < 5000)
			usleep(20000);
	}

	/* Marked in progress before it started, never finished. */
	RT_HISTORY("ntk.vhost_history",
		   "upgrade:c1a000000001:applied,upgrade:c1a000000002:in_progress");
	RT_NEQ(1, "SELECT count(*) FROM ntk.vhost_history WHERE attention");
	RT_VERSIONS("ntk.alembic_version", "c1a000000001");

	r = rt_vhost(ini, "upgrade", "head", NULL);
	CU_ASSERT(rt_status(&r, 1, "upgrade head after the kill"));
	CU_ASSERT(rt_has(r.err, "non-transactional revision c1a000000002"));
	CU_ASSERT(rt_has(r.err, "interrupted"));
	CU_ASSERT(rt_has(r.err, "vhost stamp c1a000000002"));
	vh_test_result_free(&r);

	/* The operator chooses to run it again. */
	r = rt_vhost(ini, "upgrade", "head", "--retry-interrupted", NULL);
	CU_ASSERT(rt_status(&r, 0, "upgrade head --retry-interrupted"));
	CU_ASSERT(rt_has(r.err, "Running upgrade c1a000000001 -> c1a000000002"));
	vh_test_result_free(&r);
	RT_VERSIONS("ntk.alembic_version", "c1a000000003");
	INDEX_VALID("ntk.ix_run_nontx", "true");
	RT_NEQ(0, "SELECT count(*) FROM ntk.vhost_history WHERE attention");
	free(backend);
	free(ini);
}

static void add_suites(void)
{
	CU_pSuite s = CU_add_suite("runner_nontx", suite_init, suite_clean);

	CU_add_test(s, "non-transactional revision applies", test_nontx_applies);
	CU_add_test(s, "part-way failure, refused, stamped", test_nontx_partial_failure);
	CU_add_test(s, "killed mid-run, refused, retried", test_nontx_killed);
}

int main(void)
{
	return vh_test_main(add_suites);
}
