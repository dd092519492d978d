/* vh_run.c - running upgrade and downgrade plans against PostgreSQL.
 *
 * Every revision commits as a whole or not at all: its statements, its
 * version-table change and its history row go in one transaction (or the
 * whole plan in one, with --single-transaction). The migration lock is a
 * polled session advisory lock held for the whole run; the version table is
 * read only after it is held, so of several pods started at once one
 * migrates and the others find nothing left to do. */
#include "vh_clock.h"
#include "vh_config.h"
#include "vh_run_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_cancel.h"
#include "vh_db.h"
#include "vh_error.h"
#include "vh_loader.h"
#include "vh_lock.h"
#include "vh_replicas.h"
#include "vh_spec.h"
#include "vh_workflow.h"

static void summary(run *r, size_t n, double ms)
{
	const char *what = r->o->dry_run ? "Dry run" : r->o->up ? "Upgraded" : "Downgraded";

	if (r->app->quiet)
		return;
	fprintf(stderr, "%s %s: %zu revision%s in %.0f ms%s.\n", what, r->app->cfg->schema, n,
		n == 1 ? "" : "s", ms,
		r->o->dry_run ? "; everything was rolled back, nothing changed" : "");
}

/* Says why an empty plan is fine: the database is at the target, or (an
 * upgrade to an ancestor) already past it, naming where it is so "already
 * at 3b8e..." is never printed for a database at e59b.... */
static void nothing_to_do(run *r, const char *spec_text, const size_t *cur, size_t ncur,
			  const size_t *target, size_t ntarget)
{
	char at[512] = "";
	size_t i, j;
	int same = ncur == ntarget;

	for (i = 0; i < ncur; i++)
		snprintf(at + strlen(at), sizeof(at) - strlen(at), "%s%s", i ? ", " : "",
			 vh_graph_rev(r->g, cur[i])->id);
	for (i = 0; i < ntarget && same; i++)
		for (j = 0, same = 0; j < ncur && !same; j++)
			same = cur[j] == target[i];
	if (same || !r->o->up)
		vh_app_info(r->app, "Nothing to do: %s is already at %s.", r->app->cfg->schema,
			    spec_text);
	else
		vh_app_info(r->app, "Nothing to do: %s is at %s, which already includes %s.",
			    r->app->cfg->schema, *at ? at : "<base>", spec_text);
}

/* --single-transaction hit lock_timeout: the step rolled the whole plan
 * back (and recorded the attempt); waits as a per-revision run would, then
 * opens the transaction again, takes the lock and checks that the version
 * table still reads `ids`, so the plan made from it still holds. Returns 1
 * to run the plan again, 0 when not to retry (rc stands), or an error. */
static int retry_plan(run *r, int attempt, char **ids, size_t nids)
{
	const vh_config *cfg = r->app->cfg;
	int wait = 1000 << (attempt < 5 ? attempt : 5), rc, same;
	char **now = NULL;
	size_t n = 0, i, j;

	if (!r->o->single_txn || r->o->dry_run || r->in_txn || strcmp(r->sqlstate, "55P03") != 0 ||
	    attempt >= cfg->lock_retries || vh_cancel_signal() ||
	    PQstatus(r->conn) != CONNECTION_OK)
		return 0;
	if (!r->app->quiet)
		fprintf(stderr, "lock_timeout (%d ms) hit waiting for a table lock; retrying the whole "
			"transaction in %d s (attempt %d of %d)\n", cfg->lock_timeout, wait / 1000,
			attempt + 2, cfg->lock_retries + 1);
	vh_clock_sleep_ms(wait);
	if (vh_cancel_signal())
		return 0;
	r->in_txn = 1; /* vh_lock_take opens the transaction */
	if ((rc = vh_lock_take(&r->lock, r->app, r->conn, &r->t, 1)) < 0 ||
	    (rc = vh_tables_read_versions(r->conn, &r->t, &now, &n)) < 0)
		return rc;
	same = n == nids;
	for (i = 0; i < n && same; i++)
		for (j = 0, same = 0; j < nids && !same; j++)
			same = strcmp(now[i], ids[j]) == 0;
	vh_strv_free(now);
	if (!same)
		return vh_error_set(VH_ERR_GENERIC, "the version table changed while waiting to retry "
				    "(another migration ran?); run the command again");
	if ((rc = vh_tables_ensure(r->conn, &r->t)) < 0)
		return rc;
	/* The session's SETs were made inside the transaction the retry
	 * rolled back (the prepared statements survive a rollback; they do
	 * not): made again, or the plan runs with the server's search_path. */
	if (r->session_set) {
		char *set = vh_run__session_settings(r);

		rc = set ? vh_db_exec(r->conn, "setting the run's settings again", set)
			 : vh_error_set(VH_ERR_NOMEM, "out of memory");
		free(set);
		if (rc < 0)
			return rc;
	}
	return 1;
}


/* One attempt at the run. *again is set when the connection was lost
 * before anything of it could have committed (before the first revision,
 * or anywhere in a single-transaction run), so with reconnect_timeout the
 * whole run can start over; sysid and tli then hold the server's identity
 * as read at the start, for checking the reconnect. */
static int run_online(vh_app *app, const char *spec_text, const vh_run_opts *o, int *again,
		      int *gated, char sysid[32], char tli[32])
{
	run r = {0};
	int started = 0;
	char **ids = NULL;
	size_t nids = 0, *cur = NULL, *target = NULL, ntarget = 0, i, nrun = 0, nplanned;
	double *step_ms = NULL;
	vh_plan plan = {0};
	vh_spec spec;
	int rc, has_history = 0, attempt, retry;
	double t0 = vh_clock_ms();

	r.app = app;
	r.o = o;
	r.in_txn = o->dry_run || o->single_txn;
	if ((rc = vh_app_graph(app, &r.g)) < 0 || (rc = vh_tables_init(&r.t, app->cfg)) < 0)
		return rc;
	if ((rc = vh_tables_set_run(&r.t, o->tag, app->xargs, app->nxargs)) < 0)
		goto done;
	/* Parse before connecting: a bad spec is a usage error, whatever the
	 * database's state. */
	if ((rc = vh_spec_parse(spec_text, 0, NULL, &spec, NULL)) < 0)
		goto done;
	if ((rc = vh_app_conn(app, &r.conn)) < 0)
		goto done;
	memcpy(r.sysid, sysid, sizeof(r.sysid));
	memcpy(r.tli, tli, sizeof(r.tli));
	if (!*r.sysid && (rc = vh_run__remember_server(&r)) < 0)
		goto done;
	if (o->gate && !*gated) {
		if ((rc = o->gate(app, spec_text)) < 0)
			goto done;
		*gated = 1;
	}
	if ((rc = vh_lock_take(&r.lock, app, r.conn, &r.t, r.in_txn)) < 0 ||
	    (rc = vh_run__settings(&r)) < 0)
		goto done;
	/* Nothing is created until there is a plan to run: a bad spec, an
	 * unknown target or nothing to do leaves a database vhost has never
	 * touched exactly as it was (tests/sh/test_badinput.sh). A missing
	 * version table reads as base; the history checks need their table. */
	if ((rc = vh_tables_read_versions(r.conn, &r.t, &ids, &nids)) < 0 ||
	    (rc = vh_run_map_versions(r.g, ids, nids, &cur)) < 0 ||
	    (rc = vh_run__history_exists(&r, &has_history)) < 0 ||
	    (has_history && ((rc = vh_run__check_interrupted(&r)) < 0 || (rc = vh_run__check_drift(&r, cur, nids)) < 0)))
		goto done;
	if ((rc = vh_run_resolve(r.g, spec_text, 0, cur, nids, &target, &ntarget)) < 0)
		goto done;
	rc = vh_plan_for_spec(&plan, r.g, o->up, &spec, cur, nids, target, ntarget);
	if (rc < 0)
		goto done;
	if (plan.n == 0) {
		nothing_to_do(&r, spec_text, cur, nids, target, ntarget);
		/* Another run may have just migrated: what this deploy starts
		 * next must find it on the standbys all the same. */
		if (!o->dry_run)
			rc = vh_replicas_wait(r.conn, app->cfg->wait_for_replicas, app->quiet);
		goto done;
	}
	nrun = plan.n;
	for (i = 0; i < plan.n && r.in_txn; i++)
		if (vh_graph_rev(r.g, plan.steps[i].rev)->flags & VH_REV_NONTRANSACTIONAL) {
			/* A dry run checks what it can and reports where it stopped. */
			if (o->dry_run) {
				nrun = i;
				break;
			}
			rc = vh_error_set(VH_ERR_GENERIC,
					  "revision %s must run outside a transaction, so it cannot be part "
					  "of %s; run the plan up to its parent first, then without that option",
					  vh_graph_rev(r.g, plan.steps[i].rev)->id,
					  o->dry_run ? "a dry run" : "a single-transaction run");
			goto done;
		}
	/* No named prepared statements through a transaction pooler: the
	 * next transaction may land on a server process that lacks them. */
	if ((rc = vh_tables_ensure(r.conn, &r.t)) < 0 ||
	    (!r.lock.pooled && (rc = vh_run__prepare_steps(&r)) < 0))
		goto done;
	vh_run__arm_crash_reports();
	/* Confirmation and backup (vh_workflow.c) once there is something to do. */
	if (!o->dry_run && (rc = vh_workflow_before_run(app, r.conn, r.g, &plan, o->up, o->yes,
							 o->no_backup)) < 0)
		goto done;
	if (!(step_ms = calloc(plan.n, sizeof(*step_ms)))) {
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	r.plan = &plan;
	r.nrun = nrun;
	nplanned = plan.n;
	started = 1;
	/* From here SIGINT/SIGTERM cancel the statement and fail the step
	 * (vh_cancel.c) instead of killing vhost with the server still busy. */
	if ((rc = vh_cancel_arm(r.conn)) < 0)
		goto done;
	for (attempt = 0;; attempt++) {
		for (i = 0; i < nrun; i++) {
			double ts = vh_clock_ms();
			int nontx = vh_graph_rev(r.g, plan.steps[i].rev)->flags & VH_REV_NONTRANSACTIONAL;

			if (vh_cancel_signal()) {
				rc = vh_cancel_error("between revisions",
						     r.in_txn ? "the transaction was rolled back"
							      : "stopped before the next one; those "
								"before it stay applied");
				break;
			}
			r.step = i;
			rc = vh_run__step(&r, &plan.steps[i]);
			if (rc < 0 && vh_run__can_resume(&r, &plan.steps[i])) {
				/* A failover: carry on with what the version table
				 * says is left (vh_run_resume.c). */
				if ((rc = vh_run__resume(&r, &plan, &plan.steps[i], target, ntarget)) < 0)
					break;
				r.nrun = nrun = plan.n;
				i = (size_t)-1;
				continue;
			}
			if (i < nplanned) /* only dry runs report them, and they never resume */
				step_ms[i] = vh_clock_ms() - ts;
			if (rc < 0)
				break;
			/* What CONCURRENTLY built must be on the standbys before
			 * the next revision relies on it there. */
			if (nontx && !o->dry_run &&
			    (rc = vh_replicas_wait(r.conn, app->cfg->wait_for_replicas, app->quiet)) < 0)
				break;
		}
		if (rc >= 0)
			break;
		retry = retry_plan(&r, attempt, ids, nids);
		if (retry != 1) {
			rc = retry < 0 ? retry : rc;
			break;
		}
	}
	if (rc == 0 && r.in_txn && vh_cancel_signal())
		rc = vh_cancel_error("before the commit", "the transaction was rolled back");
	if (o->dry_run)
		vh_workflow_dry_report(app, r.conn, r.g, &plan, step_ms, i, rc < 0, nrun);
	if (rc < 0)
		goto done;
	if (o->dry_run) {
		rc = vh_db_exec(r.conn, "rolling back the dry run", "ROLLBACK");
		r.in_txn = 0;
	} else if (r.in_txn) {
		rc = vh_db_exec(r.conn, "committing", "COMMIT");
		r.in_txn = 0;
	}
	if (rc == 0 && !o->dry_run) {
		summary(&r, nplanned, vh_clock_ms() - t0);
		rc = vh_replicas_wait(r.conn, app->cfg->wait_for_replicas, app->quiet);
	}
done:
	*again = rc < 0 && r.conn && PQstatus(r.conn) != CONNECTION_OK && (r.in_txn || !started);
	memcpy(sysid, r.sysid, sizeof(r.sysid));
	memcpy(tli, r.tli, sizeof(r.tli));
	if (r.have_next)
		vh_plugin_close(&r.next_p);
	free(r.shas);
	free(step_ms);
	if (r.conn && r.in_txn)
		PQclear(PQexec(r.conn, "ROLLBACK"));
	vh_run__unprepare_steps(&r);
	{
		int lrc = vh_lock_release(&r.lock, r.conn);

		if (rc == 0)
			rc = lrc;
	}
	free(r.settings);
	vh_cancel_disarm();
	vh_plan_clear(&plan);
	vh_strv_free(ids);
	free(cur);
	free(target);
	vh_tables_clear(&r.t);
	return rc;
}

int vh_run(vh_app *app, const char *spec, const vh_run_opts *o)
{
	vh_run_opts opts = *o;

	int rc;

	if (!app->cfg->transaction_per_revision)
		opts.single_txn = 1;
	if (o->wait_for_replicas && (rc = vh_config_set(app->cfg, "wait_for_replicas",
							 o->wait_for_replicas, "--wait-for-replicas")) < 0)
		return rc;
	if (opts.sql)
		return vh_offline_run(app, spec, &opts);
	/* A failover before anything committed: start over on the server
	 * the reconnect finds (vh_run_resume.c resumes one inside a run). */
	char sysid[32] = "", tli[32] = "";
	int gated = 0;

	for (int tries = 0;; tries++) {
		int again = 0;

		rc = run_online(app, spec, &opts, &again, &gated, sysid, tli);
		if (rc >= 0 || !again || app->cfg->reconnect_timeout <= 0 || tries >= 10)
			return rc;
		if (!app->quiet)
			fprintf(stderr, "Lost the connection before any revision committed (%s); "
					"reconnecting for up to %.0f s (reconnect_timeout).\n",
				vh_error_last(), app->cfg->reconnect_timeout / 1000.0);
		if ((rc = vh_run__reconnect(app, app->conn, sysid, tli)) < 0)
			return rc;
		if (!app->quiet)
			fprintf(stderr, "Starting the run over.\n");
	}
}
