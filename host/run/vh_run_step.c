/* vh_run_step.c - running one revision: its transaction (BEGIN and the
 * settings ride with its first statement), the version-table change and
 * history row sent with the COMMIT in one round trip, retries on
 * lock_timeout, non-transactional revisions, and the reports when a
 * revision crashes or calls exit(). */
#include "vh_clock.h"
#include "vh_run_int.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vh_cancel.h"
#include "vh_db.h"
#include "vh_error.h"
#include "vh_sdk_host.h"

/* The revision running now, for the crash and exit() reports below;
 * whether it runs outside a transaction (then part of it may have taken
 * effect) and whether a "Running ..." progress line is still open (the
 * report then starts on a line of its own). */
static const char *vh__running_rev;
static const char *vh__running_dir;
static int vh__running_nontx;
static int vh__progress_open;
static int vh__failed_in_verify; /* the last call_revision failed in verify() */
/* The run and step running now, for exit_report's history row. */
static run *vh__running_run;
static const vh_step *vh__running_step;
static const char *vh__running_sha;

static void record_failure(run *r, const vh_step *s, const char *sha, double ms,
			   const vh_error_info *e, int attention);

/* What the database holds after the process died inside a revision. */
static const char *died_consequence(void)
{
	return vh__running_nontx
		       ? "it ran outside a transaction, so part of it may have taken effect; the next "
			 "run stops and says how to resolve it"
		       : "the server rolls back its transaction, so the database stays at the "
			 "previous revision";
}

static void crash_report(int sig)
{
	char msg[512];
	int len;

	len = snprintf(msg, sizeof(msg), "%sFAILED: revision %s crashed (%s) during %s(); %s\n",
		       vh__progress_open ? "\n" : "", vh__running_rev ? vh__running_rev : "?",
		       strsignal(sig), vh__running_dir ? vh__running_dir : "?", died_consequence());
	if (len > 0 && write(2, msg, (size_t)len) < 0)
		len = 0;
	signal(sig, SIG_DFL);
	raise(sig);
}

/* A revision that calls exit() ends the host mid-run. Whatever status it
 * gave (exit(0) included), the run failed: report it and exit 1, so a
 * deploy script never takes it for success (tests/sh/test_badinput.sh). */
static void exit_report(void)
{
	char msg[300];
	vh_error_info e = {msg, "", ""};
	run *r = vh__running_run;

	if (!vh__running_rev)
		return;
	fprintf(stderr, "%sFAILED: revision %s called exit() during %s(); %s\n",
		vh__progress_open ? "\n" : "", vh__running_rev, vh__running_dir, died_consequence());
	/* exit() runs atexit handlers in an ordinary context (unlike a crash,
	 * where libpq cannot be trusted in a signal handler): the connection
	 * still works, so roll back and leave the failed row. */
	if (r && vh__running_step && PQstatus(r->conn) == CONNECTION_OK) {
		snprintf(msg, sizeof(msg), "the revision called exit() during %s()", vh__running_dir);
		if (!vh__running_nontx) {
			/* (a deferred revision may not have opened it yet) */
			if (PQtransactionStatus(r->conn) != PQTRANS_IDLE)
				PQclear(PQexec(r->conn, "ROLLBACK"));
			r->in_txn = 0;
			if (vh_tables_ensure(r->conn, &r->t) < 0)
				vh_error_clear();
		}
		record_failure(r, vh__running_step, vh__running_sha, -1, &e, 0);
	}
	fflush(NULL);
	_exit(1);
}


void vh_run__arm_crash_reports(void)
{
	static int armed;

	signal(SIGSEGV, crash_report);
	signal(SIGBUS, crash_report);
	signal(SIGFPE, crash_report);
	signal(SIGILL, crash_report);
	signal(SIGABRT, crash_report);
	if (!armed)
		atexit(exit_report); /* once: `vhost test` runs several plans */
	armed = 1;
}

static void prefetch_next(run *r);

/* Sends several statements in one round trip and checks each result: a
 * version-table UPDATE or DELETE must touch exactly one row, as Alembic
 * insists online. With `prefetch`, the next step's plugin is loaded while
 * the server works (prefetch_next). Returns 0 or VH_ERR_DB. */
static int send_checked(run *r, const char *sql, const char *what, int prefetch)
{
	PGresult *res;
	int rc = 0;

	r->nok = 0;
	if (!PQsendQuery(r->conn, sql))
		return vh_db_error(r->conn, NULL, what);
	if (prefetch)
		prefetch_next(r);
	while ((res = PQgetResult(r->conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);

		if (rc == 0 && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK))
			r->nok++;
		if (rc == 0 && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
			const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

			rc = vh_db_error(r->conn, res, what);
			/* checked_sql's division by zero: a change that did not
			 * touch its one row, stopped before the COMMIT. */
			if (state && strcmp(state, "22012") == 0)
				rc = vh_error_set(VH_ERR_DB,
						  "%s: Online migration expected to match one row in "
						  "'%s'; none or several found (another tool changed "
						  "the version table?)",
						  what, r->t.vt_display);
		} else if (rc == 0 && (strncmp(PQcmdStatus(res), "UPDATE", 6) == 0 ||
				     strncmp(PQcmdStatus(res), "DELETE", 6) == 0) &&
			 strcmp(PQcmdTuples(res), "1") != 0)
			rc = vh_error_set(VH_ERR_DB,
					  "%s: Online migration expected to match one row in '%s'; %s found "
					  "(another tool changed the version table?)",
					  what, r->t.vt_display, PQcmdTuples(res));
		PQclear(res);
	}
	if (rc == 0 && PQstatus(r->conn) != CONNECTION_OK)
		rc = vh_db_error(r->conn, NULL, what);
	return rc;
}

/* `stmt` (an UPDATE or DELETE of the version table) made to fail unless it
 * touches exactly one row, Alembic's online rule: a count other than one
 * divides by zero. Checked in SQL, the COMMIT can go in the same round
 * trip, since the server stops at the error. New string, or NULL when out
 * of memory. */
static char *checked_sql(const char *stmt)
{
	char *out = NULL;

	if (!stmt || asprintf(&out, "WITH vh_row AS (%s RETURNING 1) SELECT 1 / (count(*) = 1)::int "
				    "FROM vh_row", stmt) < 0)
		return NULL;
	return out;
}

/* Prepares the two statements steps send, the history row alone and a
 * linear step's version-table UPDATE with its history row in one
 * statement, so the server parses and plans them once per run instead of
 * once per revision (for a small revision, that was most of the server's
 * work beyond the revision's own). On a direct connection the settings are
 * set for the session first (vh_run__settings), and a plan remembers the
 * search_path it was made under. The names are new for each run, since
 * `vhost test` runs several on one connection (vh_run__unprepare_steps
 * deallocates them at the end). One round trip. */
int vh_run__prepare_steps(run *r)
{
	static unsigned seq;
	char *hist, *step, *set = NULL, *sql = NULL;
	int rc;

	seq++;
	snprintf(r->hist_stmt, sizeof(r->hist_stmt), "vh__history_row_%u", seq);
	snprintf(r->ver_stmt, sizeof(r->ver_stmt), "vh__version_step_%u", seq);
	hist = vh_history_prepare_sql(&r->t, r->hist_stmt);
	step = vh_history_step_prepare_sql(&r->t, r->ver_stmt);
	if (!r->lock.pooled && !(set = vh_run__session_settings(r)))
		goto nomem;
	if (!hist || !step ||
	    asprintf(&sql, "%s%s%s%s;\n%s;\n%s%s", set ? set : "", set ? ";\n" : "",
		     r->in_txn ? "" : "BEGIN;\n", r->settings, hist, step,
		     r->in_txn ? "" : ";\nCOMMIT") < 0)
		sql = NULL;
nomem:
	free(set);
	free(step);
	free(hist);
	if (!sql)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	rc = vh_db_exec(r->conn, "preparing the version-table and history statements", sql);
	free(sql);
	if (rc < 0)
		r->hist_stmt[0] = r->ver_stmt[0] = '\0';
	else
		r->session_set = !r->lock.pooled;
	return rc;
}

void vh_run__unprepare_steps(run *r)
{
	char sql[160];

	if (!r->conn || PQstatus(r->conn) != CONNECTION_OK)
		return;
	if (*r->hist_stmt) {
		snprintf(sql, sizeof(sql), "DEALLOCATE %s; DEALLOCATE %s", r->hist_stmt, r->ver_stmt);
		PQclear(PQexec(r->conn, sql));
	}
	if (r->session_set)
		PQclear(PQexec(r->conn, "RESET search_path; RESET lock_timeout; RESET statement_timeout"));
	r->hist_stmt[0] = r->ver_stmt[0] = '\0';
	r->session_set = 0;
}

/* A step's version-table change, checked (checked_sql): the UPDATE or
 * DELETE itself (the usual linear UPDATE goes with the history row in one
 * prepared statement instead, see finish_sql), a plain INSERT (which
 * cannot match a wrong number of rows). New string, or NULL when out of memory. */
static char *version_step_sql(run *r, const vh_vt_action *a)
{
	char *from, *to = NULL, *stmt = NULL, *sql = NULL;
	int n = -1;

	if (a->kind == VH_VT_INSERT)
		return vh_run_action_sql(&r->t, r->g, a, 0);
	from = vh_quote_literal(vh_graph_rev(r->g, a->from)->id);
	if (a->kind == VH_VT_UPDATE)
		to = vh_quote_literal(vh_graph_rev(r->g, a->to)->id);
	if (!from || (a->kind == VH_VT_UPDATE && !to))
		goto done;
	if (a->kind == VH_VT_DELETE)
		n = asprintf(&stmt, "DELETE FROM %s WHERE %s.version_num = %s", r->t.vt, r->t.vt,
			     from);
	else
		n = asprintf(&stmt, "UPDATE %s SET version_num = %s WHERE %s.version_num = %s",
			     r->t.vt, to, r->t.vt, from);
	if (n >= 0) {
		sql = checked_sql(stmt);
		free(stmt);
	}
done:
	vh_free(from);
	vh_free(to);
	return sql;
}

/* Appends ";\n" + `piece` to *buf (which may be NULL). */
static int append(char **buf, const char *piece)
{
	char *next;

	if (!piece)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	if (asprintf(&next, "%s%s;\n", *buf ? *buf : "", piece) < 0)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	free(*buf);
	*buf = next;
	return 0;
}

/* Builds the statements that close a successful step: version-table
 * changes and the history row, then COMMIT when `commit` (the changes are
 * checked in SQL, see checked_sql, so the server stops before the COMMIT
 * when one touched the wrong number of rows). */
static int finish_sql(run *r, const vh_step *s, double ms, const char *sha, int commit,
		      int server_ms, char **out, size_t *nout)
{
	const vh_revision *rev = vh_graph_rev(r->g, s->rev);
	vh_history_row row = {0};
	char *sql = NULL, *piece;
	size_t i;
	int rc = 0, combined = 0;

	*out = NULL;
	vh_history_row_done(&row, rev, s->up, sha, ms);
	row.server_ms = server_ms;
	if (s->nactions == 1 && s->actions[0].kind == VH_VT_UPDATE && *r->ver_stmt) {
		char *to = vh_quote_literal(vh_graph_rev(r->g, s->actions[0].to)->id);
		char *from = vh_quote_literal(vh_graph_rev(r->g, s->actions[0].from)->id);

		piece = to && from ? vh_history_step_execute_sql(&r->t, r->ver_stmt, to, from, &row)
				   : NULL;
		vh_free(to);
		vh_free(from);
		rc = append(&sql, piece);
		free(piece);
		combined = 1;
		goto commit;
	}
	for (i = 0; i < s->nactions && rc == 0; i++) {
		piece = version_step_sql(r, &s->actions[i]);
		rc = append(&sql, piece);
		free(piece);
	}
	if (rc == 0) {
		piece = *r->hist_stmt ? vh_history_execute_sql(&r->t, r->hist_stmt, &row)
				      : vh_history_insert_sql(&r->t, &row);
		rc = append(&sql, piece);
		free(piece);
	}
commit:
	if (rc == 0 && commit)
		rc = append(&sql, "COMMIT");
	if (rc < 0) {
		free(sql);
		return rc;
	}
	*out = sql;
	if (nout) /* the statements: the combined one, or each action's and the history's */
		*nout = (combined ? 1 : s->nactions + 1) + (commit ? 1 : 0);
	return 0;
}

/* Records a failure in the history table, outside the rolled-back
 * transaction, so operators can read what happened. Best effort. */
static void record_failure(run *r, const vh_step *s, const char *sha, double ms,
			   const vh_error_info *e, int attention)
{
	const vh_revision *rev = vh_graph_rev(r->g, s->rev);
	vh_history_row row = {0};
	char *sql;

	if (r->in_txn || PQstatus(r->conn) != CONNECTION_OK)
		return;
	row.revision = rev->id;
	row.down_revision = rev->down_revision;
	row.direction = s->up ? "upgrade" : "downgrade";
	row.outcome = attention ? "in_progress" : "failed";
	row.message = rev->message;
	row.plugin_file = rev->path;
	row.plugin_sha256 = sha;
	row.error = e->message;
	row.sqlstate = *e->sqlstate ? e->sqlstate : NULL;
	row.statement = *e->statement ? e->statement : NULL;
	row.duration_ms = ms;
	row.attention = attention;
	if ((sql = vh_history_insert_sql(&r->t, &row)) != NULL)
		PQclear(PQexec(r->conn, sql));
	free(sql);
}

/* Turns a revision's failure into the one-line message the user sees. */
static int step_error(run *r, const vh_step *s, const vh_error_info *e, const char *detail)
{
	const vh_revision *rev = vh_graph_rev(r->g, s->rev);
	char stmt[240] = "", msg[1024];
	/* a failing verify() is not a failing upgrade: say which it was */
	const char *what = vh__failed_in_verify ? "verify() of upgrade" : s->up ? "upgrade" : "downgrade";

	/* libpq's messages span lines ("server closed the connection
	 * unexpectedly\n\tThis probably means..."): the report is one line. */
	snprintf(msg, sizeof(msg), "%s", vh_db_oneline(e->message));
	if (*e->statement)
		snprintf(stmt, sizeof(stmt), "%s", vh_db_oneline(e->statement));
	if (PQstatus(r->conn) != CONNECTION_OK)
		return vh_error_set(VH_ERR_GENERIC,
				    "%s %s (%s) failed: lost the connection to the server (%s)%s%s; "
				    "the server rolls back whatever was not committed, so run the "
				    "command again once the server is back",
				    what, rev->id, rev->path, msg,
				    *stmt ? " in statement: " : "", stmt);
	return vh_error_set(VH_ERR_GENERIC, "%s %s (%s) failed: %s%s%s%s%s%s%s",
			    what, rev->id, rev->path, msg,
			    *e->sqlstate ? " (SQLSTATE " : "", e->sqlstate, *e->sqlstate ? ")" : "",
			    detail, *stmt ? " in statement: " : "", stmt);
}

/* Runs the revision function (and verify) with the crash reporters armed. */
static int call_revision(vh_plugin *p, const vh_step *s, const vh_revision *rev, vh_ctx *ctx)
{
	int rc;

	vh__running_rev = rev->id;
	vh__running_dir = s->up ? "upgrade" : "downgrade";
	vh__running_nontx = (rev->flags & VH_REV_NONTRANSACTIONAL) != 0;
	vh__failed_in_verify = 0;
	rc = s->up ? p->upgrade(ctx) : p->downgrade(ctx);
	/* verify() checks what upgrade() did: that must have run (and a
	 * failure of it must be reported as upgrade's, not verify's). */
	if (rc == 0 && s->up && p->verify && vh_ctx_failed(ctx) == 0 &&
	    vh_ctx_sync(ctx, NULL, 0, NULL, NULL, NULL) < 0)
		rc = -1;
	if (rc == 0 && s->up && p->verify) {
		vh__running_dir = "verify";
		vh__failed_in_verify = (rc = p->verify(ctx)) != 0;
		if (rc != 0 && !*vh_last_error(ctx)->message)
			vh_ctx_set_error(ctx, "verify() reported that the upgrade did not take effect",
					 NULL, NULL);
	}
	vh__running_rev = NULL;
	if (rc != 0 && !*vh_last_error(ctx)->message)
		vh_ctx_set_error(ctx, "the revision returned an error without a message", NULL, NULL);
	return rc;
}

static void prefetch_cb(void *r)
{
	prefetch_next(r);
}

/* The host's closing statements failed (`i` of `n`; the last is COMMIT
 * when `commit`): the message names what vhost was doing, as send_checked
 * does, and a division by zero is checked_sql's wrong row count. */
static void tail_error(run *r, vh_ctx *ctx, size_t i, size_t n, int commit)
{
	const vh_error_info *e = vh_last_error(ctx);
	const char *what = "recording the revision in the version table";
	char *msg = NULL;
	int lost = PQstatus(r->conn) != CONNECTION_OK;

	if (strcmp(e->sqlstate, "22012") == 0 && !lost) {
		if (asprintf(&msg,
			     "%s: Online migration expected to match one row in '%s'; none or "
			     "several found (another tool changed the version table?)",
			     what, r->t.vt_display) < 0)
			msg = NULL;
	} else if (asprintf(&msg, "%s: %s%s%s%s%s", what,
			    lost ? "lost the connection to the server: " : "", e->message,
			    *e->sqlstate && !lost ? " (SQLSTATE " : "",
			    lost ? "" : e->sqlstate, *e->sqlstate && !lost ? ")" : "") < 0) {
		msg = NULL;
	}
	vh_ctx_set_error(ctx, msg ? msg : e->message, e->sqlstate,
			 commit && i + 1 == n ? "COMMIT" : NULL);
	free(msg);
}

/* One transactional attempt at a step. Returns 0, or the SDK/DB failure in
 * ctx (rc < 0). BEGIN and the settings go in front of the revision's
 * statements (the SDK's prelude). A revision built against SDK ABI 1.3 or
 * later has its statements deferred (vh_ctx_set_deferred): they, the
 * version-table change, the history row and COMMIT go in one simple query,
 * one round trip for the whole revision unless it asks the server
 * something; older revisions send each statement as they run it, and the
 * closing statements follow in one more. */
static int attempt_step(run *r, const vh_step *s, vh_plugin *p, vh_ctx *ctx, const char *sha,
			double *ms)
{
	const vh_revision *rev = vh_graph_rev(r->g, s->rev);
	char *sql = NULL, *begin = NULL;
	double t0 = vh_clock_ms();
	int rc, failed, deferred = rev->abi_minor >= 3;
	size_t ntail, bad;

	if (asprintf(&begin, "%s%s", r->in_txn ? "" : *r->settings ? "BEGIN;\n" : "BEGIN",
		     r->settings) < 0)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	if (!*begin) /* in a plan-wide transaction with the settings set once */
		rc = 0;
	else
		rc = vh_ctx_set_prelude(ctx, begin, r->nsettings + (r->in_txn ? 0 : 1), NULL, NULL);
	free(begin);
	if (rc < 0 || (deferred && vh_ctx_set_deferred(ctx, vh_run__count_statements) < 0))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	failed = call_revision(p, s, rev, ctx) != 0 || vh_ctx_failed(ctx);
	*ms = vh_clock_ms() - t0;
	/* Interrupted outside a statement: roll back rather than commit. */
	if (!failed && vh_cancel_signal()) {
		vh_ctx_set_error(ctx, "interrupted", "57014", NULL);
		failed = 1;
	}
	/* A failed revision's deferred statements need not reach the server;
	 * one that ran nothing (or failed before its first statement) still
	 * opens its transaction, so run_step's ROLLBACK finds one. */
	if (failed) {
		vh_ctx_discard(ctx);
		if (vh_ctx_prelude_pending(ctx) && vh_ctx_flush_prelude(ctx) < 0 &&
		    !vh_ctx_prelude_failed(ctx))
			failed = 1;
	}
	if (!failed) {
		/* One round trip: what is still pending, the version table,
		 * the history row and COMMIT; the next revision is loaded
		 * while the server works (prefetch_next). */
		if ((rc = finish_sql(r, s, *ms, sha, !r->in_txn, deferred, &sql, &ntail)) < 0)
			return rc;
		rc = vh_ctx_sync(ctx, sql, ntail, prefetch_cb, r, &bad);
		free(sql);
		/* What the progress line shows: the revision until the server
		 * answered, not only the client's part before the batch went. */
		*ms = vh_clock_ms() - t0;
		if (rc == 0)
			return 0;
		if (bad != (size_t)-1 && !vh_ctx_prelude_failed(ctx)) {
			tail_error(r, ctx, bad, ntail, !r->in_txn);
			return VH_ERR_DB;
		}
		failed = 1;
	}
	if (vh_ctx_prelude_failed(ctx)) {
		char *msg = NULL;

		if (asprintf(&msg, "starting the revision's transaction: %s",
			     vh_last_error(ctx)->message) >= 0)
			vh_ctx_set_error(ctx, msg, vh_last_error(ctx)->sqlstate, NULL);
		free(msg);
		return VH_ERR_DB;
	}
	return VH_ERR_GENERIC;
}

/* A non-transactional step: marked in progress first (so a kill leaves a
 * record), run in autocommit, then recorded in a short transaction. */
static int run_nontransactional(run *r, const vh_step *s, vh_plugin *p, vh_ctx *ctx,
				const char *sha, double *ms)
{
	const vh_revision *rev = vh_graph_rev(r->g, s->rev);
	vh_history_row row = {0};
	char *sql = NULL, *mark, *set;
	const char *stmt = NULL; /* the statement to blame: COMMIT, or none */
	double t0 = vh_clock_ms();
	int rc, n;

	row.revision = rev->id;
	row.down_revision = rev->down_revision;
	row.direction = s->up ? "upgrade" : "downgrade";
	row.outcome = "in_progress";
	row.message = rev->message;
	row.plugin_file = rev->path;
	row.plugin_sha256 = sha;
	row.duration_ms = -1;
	row.attention = 1;
	if (!(mark = vh_history_insert_sql(&r->t, &row)))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	/* Session-level settings: SET LOCAL would vanish with each statement.
	 * Not through a transaction pooler, where each statement may land on
	 * another server process: the settings would stay behind on this one
	 * for some other client, and the revision's statements run with the
	 * server's defaults (docs/topologies.md). The fence, first, keeps a
	 * run that lost its lease from starting the revision. */
	if (r->lock.pooled)
		n = asprintf(&set, "%s;\n%s", vh_lock_fence(&r->lock), mark);
	else
		n = asprintf(&set, "%s;\n%s", mark, r->settings);
	free(mark);
	if (n < 0)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	for (char *l = strstr(set, "SET LOCAL "); l; l = strstr(l, "SET LOCAL "))
		memcpy(l, "SET       ", 10);
	rc = vh_db_exec(r->conn, "marking the non-transactional revision in progress", set);
	free(set);
	if (rc < 0) {
		vh_ctx_set_error(ctx, vh_error_last(), vh_db_last_sqlstate(), NULL);
		return rc;
	}
	rc = call_revision(p, s, rev, ctx);
	*ms = vh_clock_ms() - t0;
	if (!r->lock.pooled && *r->settings)
		PQclear(PQexec(r->conn, "RESET search_path; RESET lock_timeout; RESET statement_timeout"));
	if (rc != 0) {
		/* Keep the in-progress row's attention flag: part of it may have
		 * run. The failure row says what happened. */
		return VH_ERR_GENERIC;
	}
	if ((rc = finish_sql(r, s, *ms, sha, 0, 0, &sql, NULL)) < 0)
		return rc;
	/* The id as a literal: ids may hold quotes (tests/sh/test_security.sh). */
	{
		char *id = vh_quote_literal(rev->id);

		if (!id || asprintf(&set,
				    "BEGIN;\n%s%sUPDATE %s SET attention = false WHERE attention AND "
				    "revision = %s AND outcome = 'in_progress'",
				    vh_lock_fence(&r->lock), *vh_lock_fence(&r->lock) ? ";\n" : "",
				    r->t.ht, id) < 0)
			set = NULL;
		vh_free(id);
	}
	if (!set) {
		free(sql);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	/* Apart from send_checked, whose one-row rule is for the version
	 * table: an earlier interrupted attempt (--retry-interrupted) leaves
	 * a second flagged row, and both are settled now. */
	rc = vh_db_exec(r->conn, "settling the in-progress row", set);
	free(set);
	if (rc == 0)
		rc = send_checked(r, sql, "recording the revision in the version table", 0);
	free(sql);
	if (rc == 0 && (rc = vh_db_exec(r->conn, "committing the revision", "COMMIT")) < 0)
		stmt = "COMMIT";
	if (rc < 0) {
		/* run_step rolls back transactional steps only; the in-progress
		 * row stays flagged, since the revision itself did run. */
		vh_ctx_set_error(ctx, vh_error_last(), vh_db_last_sqlstate(), stmt);
		if (PQtransactionStatus(r->conn) != PQTRANS_IDLE)
			PQclear(PQexec(r->conn, "ROLLBACK"));
	}
	return rc;
}

/* The SHA-256 of step `s`'s plugin, loaded as `p`, into `out`: the one the
 * drift check computed at the start of the run, or that of the very file
 * loaded. Returns 0 or VH_ERR_GENERIC; on failure `p` is closed. */
static int step_sha(run *r, const vh_step *s, vh_plugin *p, char out[65])
{
	if (r->shas && r->shas[s->rev][0]) {
		memcpy(out, r->shas[s->rev], 65);
		return 0;
	}
	if (vh_plugin_sha256(p, vh_graph_rev(r->g, s->rev), out) == 0)
		return 0;
	vh_plugin_close(p);
	return VH_ERR_GENERIC;
}

/* While the server commits step r->step, hashes the next step's plugin
 * file and loads it: work the client would otherwise do while the server
 * waits, about a third of a small revision's time. The COMMIT has been
 * sent by then, so the server commits whatever the client does next.
 * Best effort: after any failure nothing is kept, and run_step does it
 * again and reports the error itself. */
static void prefetch_next(run *r)
{
	const vh_revision *rev;
	size_t i = r->step + 1;

	if (r->have_next || !r->plan || i >= r->nrun)
		return;
	rev = vh_graph_rev(r->g, r->plan->steps[i].rev);
	if (vh_plugin_open(&r->next_p, rev) < 0 ||
	    step_sha(r, &r->plan->steps[i], &r->next_p, r->next_sha) < 0) {
		vh_error_clear();
		return;
	}
	r->have_next = 1;
	r->next_idx = i;
}

/* A failed step of a plan-wide transaction (--single-transaction): rolls
 * the whole plan back now, so the failure row can be written after it, as
 * for a step of its own (the tables come back if the plan created them). */
static void rollback_plan(run *r)
{
	PQclear(PQexec(r->conn, "ROLLBACK"));
	r->in_txn = 0;
	if (vh_tables_ensure(r->conn, &r->t) < 0)
		vh_error_clear();
}

/* The one line for a step cut short by SIGINT/SIGTERM (vh_cancel.c). */
static void interrupted(run *r, const vh_step *s)
{
	const vh_revision *rev = vh_graph_rev(r->g, s->rev);
	char what[512];

	snprintf(what, sizeof(what), "during %s %s (%s)", s->up ? "upgrade" : "downgrade", rev->id,
		 rev->path);
	vh_cancel_error(what, r->o->single_txn
				      ? "its statement was cancelled on the server and the whole "
					"transaction rolled back, so nothing of this run was applied"
				      : "its statement was cancelled on the server and the revision "
					"rolled back, so the database stays at the previous revision");
}

/* Runs one step with retries on lock_timeout. */
int vh_run__step(run *r, const vh_step *s)
{
	const vh_revision *rev = vh_graph_rev(r->g, s->rev);
	int nontx = (rev->flags & VH_REV_NONTRANSACTIONAL) != 0;
	int attempt, rc = 0;
	char sha[65] = "", label[256], detail[512];
	vh_plugin p;
	double ms = 0;

	vh_plan_step_label(r->g, s, "", label, sizeof(label));
	if (r->have_next && r->next_idx == r->step) { /* prefetch_next did it */
		p = r->next_p;
		memcpy(sha, r->next_sha, sizeof(sha));
		r->have_next = 0;
	} else if ((rc = vh_plugin_open(&p, rev)) < 0) {
		return rc;
	} else if (step_sha(r, s, &p, sha) < 0) {
		return rc = VH_ERR_GENERIC;
	}
	if (!r->app->quiet) {
		fprintf(stderr, "Running %s %s, %s ...", s->up ? "upgrade" : "downgrade", label,
			rev->message);
		vh__progress_open = 1;
	}

	for (attempt = 0;; attempt++) {
		vh_ctx *ctx = vh_ctx_new(r->conn, r->app->cfg->schema, rev->id, NULL, NULL);
		const vh_error_info *e;

		if (!ctx) {
			rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
			break;
		}
		vh_ctx_set_xargs(ctx, r->app->xargs, r->app->nxargs);
		vh_cancel_running(1);
		vh__running_run = r;
		vh__running_step = s;
		vh__running_sha = sha;
		rc = nontx ? run_nontransactional(r, s, &p, ctx, sha, &ms)
			   : attempt_step(r, s, &p, ctx, sha, &ms);
		vh__running_run = NULL;
		vh__running_step = NULL;
		vh_cancel_running(0);
		if (rc == 0) {
			vh_ctx_free(ctx);
			break;
		}
		e = vh_last_error(ctx);
		snprintf(r->sqlstate, sizeof(r->sqlstate), "%s", e->sqlstate);
		/* PostgreSQL's DETAIL and HINT ("Key (user_id)=(7) is not present
		 * ..."), what the operator needs to fix the data: read before the
		 * ROLLBACK below replaces the connection's last error. */
		vh_db_error_detail(r->conn, e->message, detail, sizeof(detail));
		/* (A failed COMMIT has ended the transaction already.) */
		if (!nontx && !r->in_txn && PQtransactionStatus(r->conn) != PQTRANS_IDLE)
			PQclear(PQexec(r->conn, "ROLLBACK"));
		if (!nontx && !r->in_txn && strcmp(e->sqlstate, "55P03") == 0 && !vh_cancel_signal() &&
		    attempt < r->app->cfg->lock_retries && PQstatus(r->conn) == CONNECTION_OK) {
			int wait = 1000 << (attempt < 5 ? attempt : 5);

			record_failure(r, s, sha, ms, e, 0); /* a row per attempt */
			if (!r->app->quiet)
				fprintf(stderr,
					" lock_timeout (%d ms) hit waiting for a table lock; retrying in "
					"%d s (attempt %d of %d)\nRunning %s %s, %s ...",
					r->app->cfg->lock_timeout, wait / 1000, attempt + 2,
					r->app->cfg->lock_retries + 1, s->up ? "upgrade" : "downgrade",
					label, rev->message);
			vh_ctx_free(ctx);
			vh_clock_sleep_ms(wait);
			continue;
		}
		if (!r->app->quiet)
			fprintf(stderr, " failed\n");
		vh__progress_open = 0;
		if (r->in_txn && !r->o->dry_run)
			rollback_plan(r);
		record_failure(r, s, sha, ms, e, 0);
		step_error(r, s, e, detail);
		if (vh_cancel_signal() && !nontx)
			interrupted(r, s);
		else if (nontx)
			vh_error_set(VH_ERR_GENERIC,
				     "%s. It ran outside a transaction, so part of it may have taken "
				     "effect: check the database, then 'vhost stamp %s' if it did, or "
				     "rerun with --retry-interrupted",
				     vh_error_last(), rev->id);
		vh_ctx_free(ctx);
		rc = VH_ERR_GENERIC;
		break;
	}
	if (rc == 0 && !r->app->quiet)
		fprintf(stderr, " %.0f ms\n", ms);
	vh__progress_open = 0;
	vh_plugin_close(&p);
	return rc;
}

