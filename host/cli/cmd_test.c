/* cmd_test.c - `vhost test`: the checks pytest-alembic users write by hand,
 * built in and run against a scratch database that is dropped afterwards.
 *
 * Checks: a single head (unless --allow-branches); every revision upgrades
 * from base to head one step at a time; for each revision, downgrade then
 * upgrade again, comparing the catalog (vh_catalog.c) after the downgrade
 * with the one before the upgrade and after the second upgrade with the one
 * after the first, and the row counts too, with the sample data loaded once
 * its revision is reached; at head, the schema matches the model when one is
 * configured (autogenerate's diff is empty); the whole chain downgrades back
 * to base.
 *
 * The checks run in a child process, so a scratch database is dropped on
 * every way out: a failed check, a revision that crashes or calls exit(),
 * Ctrl-C (the child dies, the parent ignores it and cleans up) or SIGTERM
 * (forwarded to the child). */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vh_clock.h"
#include "vh_autogen.h"
#include "vh_catalog.h"
#include "vh_cmd.h"
#include "vh_db.h"
#include "vh_error.h"
#include "vh_lint.h"
#include "vh_loader.h"
#include "vh_run.h"
#include "vh_sdk_host.h"
#include "vh_spec.h"
#include "vh_tables.h"
#include "vh_workflow.h"

enum { O_BRANCHES = 1, O_SAMPLE, O_SAMPLE_AFTER, O_KEEP, O_YES, O_TRACE };

typedef struct topts {
	int allow_branches, keep, yes, trace_locks;
	const char *sample;       /* SQL file, or NULL */
	const char *sample_after; /* revision id or prefix */
} topts;

/* The child's state while it runs the checks. */
typedef struct tctx {
	vh_app *app;
	vh_graph *g;
	PGconn *conn;
	vh_tables t;
	const char *exclude[3]; /* vhost's own tables, left out of every snapshot */
	long sample_idx;        /* revision after which the sample data loads, or -1 */
	const topts *o;
	int checks, failed;
	char failures[1024]; /* "rev (what), ..." for the final message */
} tctx;

/* What the child is doing now, in a page shared with the parent, so that a
 * revision that kills the process can be named afterwards. NULL when the
 * page could not be mapped (the report is then vaguer). */
static char *vh__test_doing;
#define VH__DOING_SIZE 256

static void doing(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void doing(const char *fmt, ...)
{
	va_list ap;

	if (!vh__test_doing)
		return;
	va_start(ap, fmt);
	vsnprintf(vh__test_doing, VH__DOING_SIZE, fmt, ap);
	va_end(ap);
}

/* ---------------------------------------------------------------------
 * Reporting
 * --------------------------------------------------------------------- */

/* One check's line on stdout; a failure is also remembered for the final
 * message as "<rev> (<short>)". */
static void report(tctx *t, int ok, const char *rev, const char *shortname, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void report(tctx *t, int ok, const char *rev, const char *shortname, const char *fmt, ...)
{
	va_list ap;
	size_t used = strlen(t->failures);

	t->checks++;
	printf("%-8s", ok ? "ok" : "FAILED");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	/* Seen as it happens, and not lost if a revision brings the process down. */
	fflush(stdout);
	if (ok)
		return;
	t->failed++;
	snprintf(t->failures + used, sizeof(t->failures) - used, "%s%s%s%s%s", used ? ", " : "",
		 rev ? rev : "", rev ? " (" : "", shortname, rev ? ")" : "");
}

/* ---------------------------------------------------------------------
 * Running revisions
 * --------------------------------------------------------------------- */

/* Runs one revision's upgrade or downgrade the way the runner does (in a
 * transaction with search_path, lock_timeout and statement_timeout, or in
 * autocommit for a non-transactional revision) without touching the version
 * table: the cycle puts it back where it was. Returns 0, or VH_ERR_GENERIC
 * with the revision's error. */
static int run_direction(tctx *t, const vh_revision *rev, int up, double *ms)
{
	int nontx = (rev->flags & VH_REV_NONTRANSACTIONAL) != 0, rc;
	const vh_config *cfg = t->app->cfg;
	vh_plugin p;
	vh_ctx *ctx;
	char set[400];
	double t0 = vh_clock_ms();

	doing("%s of %s", up ? "upgrade (again, after its downgrade)" : "downgrade", rev->id);
	snprintf(set, sizeof(set), "%sSET %ssearch_path TO %s, public; SET %slock_timeout = %d; "
		 "SET %sstatement_timeout = %d", nontx ? "" : "BEGIN; ", nontx ? "" : "LOCAL ",
		 t->t.schema, nontx ? "" : "LOCAL ", cfg->lock_timeout, nontx ? "" : "LOCAL ",
		 cfg->statement_timeout);
	if ((rc = vh_plugin_open(&p, rev)) < 0)
		return rc;
	if (!(ctx = vh_ctx_new(t->conn, cfg->schema, rev->id, NULL, NULL))) {
		vh_plugin_close(&p);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	if ((rc = vh_db_exec(t->conn, "starting the revision's transaction", set)) == 0) {
		rc = up ? p.upgrade(ctx) : p.downgrade(ctx);
		if (rc == 0 && up && p.verify)
			rc = p.verify(ctx);
		if (rc != 0) {
			const vh_error_info *e = vh_last_error(ctx);

			rc = vh_error_set(VH_ERR_GENERIC, "%s%s%s%s", *e->message ? e->message
				: "the revision returned an error without a message",
				*e->sqlstate ? " (SQLSTATE " : "", e->sqlstate, *e->sqlstate ? ")" : "");
		}
	}
	if (!nontx)
		PQclear(PQexec(t->conn, rc == 0 ? "COMMIT" : "ROLLBACK"));
	else
		PQclear(PQexec(t->conn, "RESET search_path; RESET lock_timeout; RESET statement_timeout"));
	*ms = vh_clock_ms() - t0;
	vh_ctx_free(ctx);
	vh_plugin_close(&p);
	return rc;
}

/* Loads the sample data file into the schema. Plain SQL only (psql's
 * backslash commands are not understood); its own BEGIN/COMMIT are fine. */
static int load_sample(tctx *t)
{
	FILE *f = fopen(t->o->sample, "rb");
	char *sql = NULL, set[300];
	size_t len = 0, got;
	FILE *m;
	int rc;

	if (!f)
		return vh_error_set(VH_ERR_GENERIC, "cannot read the sample data %s: %s", t->o->sample,
				    strerror(errno));
	if (!(m = open_memstream(&sql, &len))) {
		fclose(f);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	while ((got = fread(set, 1, sizeof(set), f)) > 0)
		fwrite(set, 1, got, m);
	fclose(f);
	fclose(m);
	snprintf(set, sizeof(set), "SET search_path TO %s, public", t->t.schema);
	if ((rc = vh_db_exec(t->conn, "setting search_path", set)) == 0)
		rc = vh_db_exec(t->conn, "loading the sample data", sql);
	if (PQtransactionStatus(t->conn) != PQTRANS_IDLE)
		PQclear(PQexec(t->conn, "ROLLBACK"));
	PQclear(PQexec(t->conn, "RESET search_path"));
	free(sql);
	return rc;
}

/* ---------------------------------------------------------------------
 * The checks (child process)
 * --------------------------------------------------------------------- */

/* Downgrade and upgrade revision `rev` again, comparing catalogs and row
 * counts. `before` is the catalog before its first upgrade, `after` the
 * one after. Returns 1 when the schema ends where the first upgrade left it
 * (the next revision can be tested), else 0. */
static int cycle(tctx *t, const vh_revision *rev, const vh_catalog *before, const vh_catalog *after)
{
	vh_catalog *down = NULL, *again = NULL;
	char *rows1 = NULL, *rows3 = NULL;
	double ms;
	int ok = 0;

	if (vh_catalog_row_counts(&rows1, t->conn, t->app->cfg->schema, t->exclude) < 0)
		goto error;
	if (run_direction(t, rev, 0, &ms) < 0) {
		report(t, 0, rev->id, "downgrade", "%s downgrade: %s", rev->id, vh_error_last());
		ok = 1; /* rolled back: still as the first upgrade left it */
		goto done;
	}
	if (vh_catalog_snapshot(&down, t->conn, t->app->cfg->schema, t->exclude) < 0)
		goto error;
	if (vh_catalog_equal(before, down)) {
		report(t, 1, rev->id, "downgrade", "%s downgrade restores the schema as it was before "
		       "the upgrade (%.0f ms)", rev->id, ms);
	} else {
		report(t, 0, rev->id, "downgrade", "%s downgrade leaves the schema different from "
		       "before its upgrade (- before upgrade, + after downgrade):", rev->id);
		vh_catalog_diff(stdout, before, down, "          ");
	}
	if (run_direction(t, rev, 1, &ms) < 0) {
		report(t, 0, rev->id, "upgrade again", "%s upgrade after its downgrade: %s", rev->id,
		       vh_error_last());
		goto done;
	}
	if (vh_catalog_snapshot(&again, t->conn, t->app->cfg->schema, t->exclude) < 0 ||
	    vh_catalog_row_counts(&rows3, t->conn, t->app->cfg->schema, t->exclude) < 0)
		goto error;
	ok = vh_catalog_equal(after, again);
	if (ok) {
		report(t, 1, rev->id, "upgrade again", "%s upgrade after downgrade gives the same "
		       "schema (%.0f ms)", rev->id, ms);
	} else {
		report(t, 0, rev->id, "upgrade again", "%s upgrade after downgrade gives a different "
		       "schema (- after the first upgrade, + after downgrade and upgrade):", rev->id);
		vh_catalog_diff(stdout, after, again, "          ");
	}
	if (strcmp(rows1, rows3) != 0) {
		report(t, 0, rev->id, "rows", "%s downgrade and upgrade lose rows (after the first "
		       "upgrade -> after downgrade and upgrade):", rev->id);
		vh_catalog_row_counts_diff(stdout, rows1, rows3, "          ");
	}
	goto done;
error:
	report(t, 0, rev->id, "catalog", "%s: %s", rev->id, vh_error_last());
	ok = 0;
done:
	free(rows1);
	free(rows3);
	vh_catalog_free(down);
	vh_catalog_free(again);
	return ok;
}

/* At head, with a model configured: the schema must be what the model
 * describes (autogenerate's diff, vh_autogen.c, must be empty). */
static void check_model(tctx *t)
{
	vh_diff *up = NULL, *down = NULL;

	if (!t->app->cfg->model)
		return;
	doing("the comparison of head with the model");
	if (vh_autogen_app_diff(t->app, &up, &down) < 0) {
		report(t, 0, NULL, "model", "model matches head: %s", vh_error_last());
	} else if (up->nops == 0 && up->nunmodelled == 0) {
		report(t, 1, NULL, "model", "model matches head (%s)", t->app->cfg->model);
	} else {
		size_t i;

		report(t, 0, NULL, "model", "model matches head: head differs from %s in %zu "
		       "operation%s (what `vhost revision --autogenerate` would write)%s:",
		       t->app->cfg->model, up->nops, up->nops == 1 ? "" : "s",
		       up->nunmodelled ? " and in differences it does not generate" : "");
		vh_autogen_print(stdout, up);
		for (i = 0; i < up->nunmodelled; i++)
			printf("  not generated: %s\n", up->unmodelled[i]);
	}
	vh_diff_free(up);
	vh_diff_free(down);
}

/* Every check, in order. Returns the exit status: 0 all passed, 1 not. */
static int run_checks(tctx *t)
{
	vh_app *app = t->app;
	size_t nheads, count = vh_graph_count(t->g), k, untested = 0;
	const size_t *order = vh_graph_order(t->g), *heads;
	vh_catalog *initial = NULL, *before = NULL, *after = NULL, *end = NULL;
	vh_run_opts up = {0}, down = {0};
	int quiet = app->quiet, intact = 1, rc;
	double t0;

	up.up = 1;
	heads = vh_graph_heads(t->g, &nheads);
	if (nheads <= 1 || t->o->allow_branches)
		report(t, 1, NULL, "heads", "%s (%zu head%s)", nheads <= 1 ? "single head"
		       : "branches allowed", nheads, nheads == 1 ? "" : "s");
	else
		report(t, 0, NULL, "heads", "%zu heads (%s, %s%s), expected one: merge them, or pass "
		       "--allow-branches if the branches are intended", nheads,
		       vh_graph_rev(t->g, heads[0])->id, vh_graph_rev(t->g, heads[1])->id,
		       nheads > 2 ? ", ..." : "");
	if (vh_catalog_snapshot(&initial, t->conn, app->cfg->schema, t->exclude) < 0) {
		report(t, 0, NULL, "catalog", "reading the catalog: %s", vh_error_last());
		return 1;
	}
	before = initial;
	for (k = 0; k < count && intact; k++) {
		const vh_revision *rev = vh_graph_rev(t->g, order[k]);

		untested = count - k - 1;
		/* The real runner, one revision per run, as in production. */
		doing("upgrade of %s", rev->id);
		app->quiet = 1;
		t0 = vh_clock_ms();
		if (vh_run(app, rev->id, &up) < 0) {
			app->quiet = quiet;
			report(t, 0, rev->id, "upgrade", "%s upgrade: %s: %s", rev->id, rev->message,
			       vh_error_last());
			intact = 0;
			break;
		}
		app->quiet = quiet;
		report(t, 1, rev->id, "upgrade", "%s upgrade: %s (%.0f ms)", rev->id, rev->message,
		       vh_clock_ms() - t0);
		if (vh_catalog_snapshot(&after, t->conn, app->cfg->schema, t->exclude) < 0) {
			report(t, 0, rev->id, "catalog", "reading the catalog: %s", vh_error_last());
			intact = 0;
			break;
		}
		intact = cycle(t, rev, before, after);
		if (intact && t->sample_idx == (long)order[k]) {
			doing("loading the sample data after %s", rev->id);
			if (load_sample(t) < 0) {
				report(t, 0, rev->id, "sample data", "loading the sample data %s after %s: %s",
				       t->o->sample, rev->id, vh_error_last());
				intact = 0;
			} else {
				printf("%-8ssample data %s loaded after %s\n", "", t->o->sample, rev->id);
				fflush(stdout);
			}
		}
		if (before != initial)
			vh_catalog_free(before);
		before = after;
		after = NULL;
	}
	if (intact)
		check_model(t);
	if (intact) {
		down.up = 0;
		doing("the downgrade from head to base");
		app->quiet = 1;
		t0 = vh_clock_ms();
		rc = vh_run(app, "base", &down);
		app->quiet = quiet;
		if (rc < 0) {
			report(t, 0, NULL, "downgrade to base", "downgrade from head to base: %s",
			       vh_error_last());
		} else if (vh_catalog_snapshot(&end, t->conn, app->cfg->schema, t->exclude) < 0) {
			report(t, 0, NULL, "catalog", "reading the catalog: %s", vh_error_last());
		} else if (vh_catalog_equal(initial, end)) {
			report(t, 1, NULL, "downgrade to base", "downgrade from head to base leaves the "
			       "schema as it started (%.0f ms)", vh_clock_ms() - t0);
		} else {
			report(t, 0, NULL, "downgrade to base", "downgrade from head to base leaves the "
			       "schema different from the start (- start, + after):");
			vh_catalog_diff(stdout, initial, end, "          ");
		}
	} else if (untested) {
		printf("%-8s%zu later revision%s not tested: the schema is not in a known state\n",
		       "", untested, untested == 1 ? "" : "s");
	}
	app->quiet = quiet;
	if (!app->cfg->model)
		printf("%-8smodel matches head: no model configured\n", "skipped");
	else if (!intact)
		printf("%-8smodel matches head: the chain did not reach head\n", "skipped");
	if (before != initial)
		vh_catalog_free(before);
	vh_catalog_free(after);
	vh_catalog_free(initial);
	vh_catalog_free(end);
	printf("vhost test: %d check%s, %d failed\n", t->checks, t->checks == 1 ? "" : "s", t->failed);
	fflush(stdout);
	if (t->failed) {
		fprintf(stderr, "FAILED: vhost test: %d of %d checks failed: %s\n", t->failed, t->checks,
			t->failures);
		return 1;
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * The scratch target and the child (parent process)
 * --------------------------------------------------------------------- */

static volatile sig_atomic_t vh__test_child;

/* SIGTERM/SIGHUP to vhost reach the child, which dies; the parent then
 * drops the scratch database as on any other way out. */
static void forward_signal(int sig)
{
	if (vh__test_child > 0)
		kill((pid_t)vh__test_child, sig);
}

/* Replaces a setting's string in the child's copy of the config. */
static int set_str(char **field, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	free(*field);
	*field = copy;
	return 0;
}

/* The child: points the app at the scratch target (its own database, or a
 * schema of its own in the configured database), runs the checks and exits
 * with their status. Never returns. The parent's connection was closed
 * before the fork, so nothing is shared. */
static void child_main(vh_app *app, const vh_scratch *scratch, const topts *o, long sample_idx)
	__attribute__((noreturn));
static void child_main(vh_app *app, const vh_scratch *scratch, const topts *o, long sample_idx)
{
	tctx t = {0};
	int status = 1;

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	t.app = app;
	t.o = o;
	t.sample_idx = sample_idx;
	/* A scratch target needs neither a backup nor a confirmation, and the
	 * environment was announced by the parent. */
	free(app->cfg->backup_command);
	app->cfg->backup_command = NULL;
	app->cfg->confirm = 0;
	app->env = NULL;
	if (scratch->is_schema && (set_str(&app->cfg->schema, scratch->name) < 0 ||
				   set_str(&app->cfg->version_table_schema, scratch->name) < 0))
		goto fail;
	if (vh_app_graph(app, &t.g) < 0 || !(t.conn = vh_workflow_scratch_connect(scratch)) ||
	    vh_tables_init(&t.t, app->cfg) < 0)
		goto fail;
	app->conn = t.conn;
	t.exclude[0] = app->cfg->history_table;
	if (!app->cfg->version_table_schema ||
	    strcmp(app->cfg->version_table_schema, app->cfg->schema) == 0)
		t.exclude[1] = app->cfg->version_table;
	status = run_checks(&t);
	vh_tables_clear(&t.t);
	PQfinish(t.conn);
	fflush(stdout);
	fflush(stderr);
	_exit(status);
fail:
	fflush(stdout);
	fprintf(stderr, "FAILED: %s\n", vh_error_last());
	fflush(stderr);
	_exit(1);
}

/* Waits for the child with Ctrl-C ignored (it reaches the child, which
 * dies of it) and SIGTERM/SIGHUP forwarded. Returns the wait status. */
static int wait_child(pid_t pid)
{
	struct sigaction fwd = {0}, ign = {0}, old_int, old_term, old_hup;
	int st = 0;

	fwd.sa_handler = forward_signal;
	ign.sa_handler = SIG_IGN;
	vh__test_child = pid;
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGTERM, &fwd, &old_term);
	sigaction(SIGHUP, &fwd, &old_hup);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	vh__test_child = 0;
	return st;
}

/* The parent: options, the scratch target, the child, the cleanup. Returns
 * the child's status (it printed its own FAILED line), or an error. */
int vh_cmd_test(vh_app *app, int argc, char **argv)
{
	static const vh_opt opts[] = {
		{"allow-branches", 0, 0, O_BRANCHES},
		{"sample-data", 0, 1, O_SAMPLE},
		{"sample-after", 0, 1, O_SAMPLE_AFTER},
		{"keep", 0, 0, O_KEEP},
		{"yes", 'y', 0, O_YES},
		{"trace-locks", 0, 0, O_TRACE},
		{NULL, 0, 0, 0},
	};
	topts o = {0};
	const char *val;
	int pos = 1, id, rc, st;
	long sample_idx = -1;
	size_t idx;
	vh_graph *g;
	PGconn *admin;
	vh_scratch scratch;
	pid_t pid;

	while ((id = vh_cmd_next(argc, argv, &pos, opts, &val)) != -1) {
		switch (id) {
		case 0: return vh_error_set(VH_ERR_USAGE, "test: unexpected argument '%s'", val);
		case O_BRANCHES: o.allow_branches = 1; break;
		case O_SAMPLE: o.sample = val; break;
		case O_SAMPLE_AFTER: o.sample_after = val; break;
		case O_KEEP: o.keep = 1; break;
		case O_YES: o.yes = 1; break;
		case O_TRACE: o.trace_locks = 1; break;
		default: return id;
		}
	}
	/* The flags win over sample_data and sample_data_after in the settings. */
	if (!o.sample)
		o.sample = app->cfg->sample_data;
	if (!o.sample_after)
		o.sample_after = app->cfg->sample_data_after;
	if (!o.sample != !o.sample_after)
		return vh_error_set(VH_ERR_USAGE, "test: sample data needs both a file and the revision "
				    "after which it loads (sample_data and sample_data_after, or "
				    "--sample-data FILE --sample-after REV)");
	if (o.sample && access(o.sample, R_OK) < 0)
		return vh_error_set(VH_ERR_USAGE, "test: cannot read the sample data %s: %s", o.sample,
				    strerror(errno));
	if ((rc = vh_app_graph(app, &g)) < 0)
		return rc;
	if (vh_graph_count(g) == 0)
		return vh_error_set(VH_ERR_GENERIC, "test: no revisions in %s, nothing to test",
				    app->cfg->plugin_dir);
	if (o.sample_after) {
		if ((rc = vh_spec_lookup(g, o.sample_after, &idx)) < 0)
			return vh_error_set(rc, "test: the revision after which the sample data loads "
					    "(sample_data_after / --sample-after): %s", vh_error_last());
		sample_idx = (long)idx;
	}
	/* Lint every revision first (the `lint` setting), and with
	 * --trace-locks measure their locks in a scratch database of its own. */
	if ((rc = vh_lint_gate(app, NULL, 1, NULL)) < 0 ||
	    (o.trace_locks && (rc = vh_lint_trace_locks(app, o.yes)) < 0))
		return rc;
	if ((rc = vh_app_conn(app, &admin)) < 0)
		return rc;
	if ((rc = vh_workflow_scratch_create(&scratch, app, admin, o.yes)) < 0)
		return rc;
	printf("vhost test: %zu revision%s in scratch %s %s%s%s (%s afterwards)\n", vh_graph_count(g),
	       vh_graph_count(g) == 1 ? "" : "s", scratch.is_schema ? "schema" : "database",
	       scratch.name, scratch.is_schema ? " of database " : "",
	       scratch.is_schema ? PQdb(admin) : "", o.keep ? "kept" : "dropped");
	fflush(stdout);
	/* Nothing of the connection may be shared with the child. */
	PQfinish(admin);
	app->conn = NULL;
	fflush(stderr);
	vh__test_doing = mmap(NULL, VH__DOING_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			      -1, 0);
	if (vh__test_doing == MAP_FAILED)
		vh__test_doing = NULL;
	else
		vh__test_doing[0] = '\0';
	if ((pid = fork()) < 0) {
		rc = vh_error_set(VH_ERR_GENERIC, "test: fork: %s", strerror(errno));
		goto done;
	}
	if (pid == 0)
		child_main(app, &scratch, &o, sample_idx);
	st = wait_child(pid);
	if (WIFSIGNALED(st))
		rc = vh_error_set(VH_ERR_GENERIC, "test: the checks were ended by signal %d (%s) during "
				  "%s", WTERMSIG(st), strsignal(WTERMSIG(st)),
				  vh__test_doing && *vh__test_doing ? vh__test_doing : "the checks");
	else
		rc = WEXITSTATUS(st); /* the child printed its own FAILED line */
done:
	if (o.keep) {
		printf("kept scratch %s %s\n", scratch.is_schema ? "schema" : "database", scratch.name);
		vh_workflow_scratch_clear(&scratch);
	} else {
		char first[2048];

		/* A failed drop is reported too, without hiding the first error. */
		snprintf(first, sizeof(first), "%s", vh_error_last());
		if (vh_workflow_scratch_drop(&scratch) < 0) {
			fprintf(stderr, "FAILED: %s\n", vh_error_last());
			if (rc == 0)
				rc = 1;
		}
		if (rc < 0)
			vh_error_set(rc, "%s", first);
	}
	if (vh__test_doing)
		munmap(vh__test_doing, VH__DOING_SIZE);
	vh__test_doing = NULL;
	return rc;
}
