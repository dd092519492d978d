/* vh_run.c - running upgrade and downgrade plans against PostgreSQL.
 *
 * Every revision commits as a whole or not at all: its statements, its
 * version-table change and its history row go in one transaction (or the
 * whole plan in one, with --single-transaction). The migration lock is a
 * polled session advisory lock held for the whole run; the version table is
 * read only after it is held, so of several pods started at once one
 * migrates and the others find nothing left to do. */
#include "vh_run.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vh_db.h"
#include "vh_error.h"
#include "vh_loader.h"
#include "vh_lock.h"
#include "vh_sdk_host.h"
#include "vh_spec.h"
#include "vh_workflow.h"

/* The revision running now, for the crash and exit() reports below;
 * whether it runs outside a transaction (then part of it may have taken
 * effect) and whether a "Running ..." progress line is still open (the
 * report then starts on a line of its own). */
static const char *vh__running_rev;
static const char *vh__running_dir;
static int vh__running_nontx;
static int vh__progress_open;

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
	if (!vh__running_rev)
		return;
	fprintf(stderr, "%sFAILED: revision %s called exit() during %s(); %s\n",
		vh__progress_open ? "\n" : "", vh__running_rev, vh__running_dir, died_consequence());
	fflush(NULL);
	_exit(1);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* --------------------------------------------------------------------
 * Shared with vh_offline.c
 * ------------------------------------------------------------------ */

int vh_run_map_versions(const vh_graph *g, char **ids, size_t n, size_t **out)
{
	size_t i;
	long idx;

	*out = malloc((n ? n : 1) * sizeof(size_t));
	if (!*out)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		if ((idx = vh_graph_find(g, ids[i])) < 0) {
			free(*out);
			*out = NULL;
			return vh_error_set(VH_ERR_GENERIC,
					    "Can't locate revision identified by '%s': the database is at a "
					    "revision no plugin in plugin_dir provides. Restore its plugin, or "
					    "if it is gone for good, 'vhost stamp --purge REV' to set the "
					    "revision the schema really is at",
					    ids[i]);
		}
		(*out)[i] = (size_t)idx;
	}
	return 0;
}

char *vh_run_action_sql(const vh_tables *t, const vh_graph *g, const vh_vt_action *a,
			int returning)
{
	char *from = vh_quote_literal(a->kind == VH_VT_INSERT ? "" : vh_graph_rev(g, a->from)->id);
	char *to = vh_quote_literal(a->kind == VH_VT_DELETE ? "" : vh_graph_rev(g, a->to)->id);
	char *sql = NULL;
	int n = -1;

	if (!from || !to)
		goto done;
	switch (a->kind) {
	case VH_VT_INSERT:
		n = asprintf(&sql, "INSERT INTO %s (version_num) VALUES (%s)%s%s%s", t->vt, to,
			     returning ? " RETURNING " : "", returning ? t->vt : "",
			     returning ? ".version_num" : "");
		break;
	case VH_VT_UPDATE:
		n = asprintf(&sql, "UPDATE %s SET version_num=%s WHERE %s.version_num = %s", t->vt, to,
			     t->vt, from);
		break;
	case VH_VT_DELETE:
		n = asprintf(&sql, "DELETE FROM %s WHERE %s.version_num = %s", t->vt, t->vt, from);
		break;
	}
done:
	vh_free(from);
	vh_free(to);
	return n < 0 ? NULL : sql;
}

void vh_run_step_label(const vh_graph *g, const vh_step *s, char *buf, size_t len)
{
	size_t np, i, used;
	const size_t *par = vh_graph_parents(g, s->rev, &np);
	const char *id = vh_graph_rev(g, s->rev)->id;

	/* Alembic names the revision's parents on both sides, also when a
	 * downgrade only drops a branch's row ("b -> a", not "b -> "). */
	buf[0] = '\0';
	if (!s->up)
		snprintf(buf, len, "%s -> ", id);
	for (i = 0; i < np; i++) {
		used = strlen(buf);
		snprintf(buf + used, len - used, "%s%s", i ? ", " : "", vh_graph_rev(g, par[i])->id);
	}
	if (s->up) {
		used = strlen(buf);
		snprintf(buf + used, len - used, " -> %s", id);
	}
}

int vh_run_resolve(const vh_graph *g, const char *text, unsigned flags, const size_t *cur,
		   size_t ncur, size_t **out, size_t *n)
{
	vh_spec spec;
	int rc, is_range = 0;

	*out = malloc((vh_graph_count(g) + 1) * sizeof(size_t));
	if (!*out)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	if ((rc = vh_spec_parse(text, flags, NULL, &spec, &is_range)) < 0 ||
	    (rc = vh_spec_resolve(g, &spec, cur, ncur, *out, n)) < 0) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

int vh_run_read_current(vh_app *app, char ***ids, size_t **cur, size_t *n)
{
	vh_tables t;
	vh_graph *g;
	PGconn *conn;
	int rc;

	*ids = NULL;
	*cur = NULL;
	*n = 0;
	if ((rc = vh_app_graph(app, &g)) < 0 || (rc = vh_app_conn(app, &conn)) < 0 ||
	    (rc = vh_tables_init(&t, app->cfg)) < 0)
		return rc;
	rc = vh_tables_read_versions(conn, &t, ids, n);
	vh_tables_clear(&t);
	if (rc == 0)
		rc = vh_run_map_versions(g, *ids, *n, cur);
	return rc;
}

/* --------------------------------------------------------------------
 * Online
 * ------------------------------------------------------------------ */

typedef struct run {
	vh_app *app;
	const vh_run_opts *o;
	vh_graph *g;
	PGconn *conn;
	vh_tables t;
	int in_txn;   /* a plan-wide transaction is open (single/dry-run) */
	char settings[512]; /* SET LOCAL search_path, lock_timeout, statement_timeout */
	size_t nsettings;   /* statements in settings */
	size_t nok;         /* results send_checked saw succeed before a failure */
	const vh_plan *plan; /* the steps run (the first nrun of them), and the */
	size_t nrun, step;   /* index of the one running, for prefetch_next */
	int have_next;       /* next_p and next_sha hold step next_idx's */
	size_t next_idx;
	vh_plugin next_p;
	char next_sha[65];
	char hist_stmt[40]; /* prepared statements (prepare_steps), "" until then */
	char ver_stmt[40];
} run;

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

/* Prepares the two statements every step sends, the history row and the
 * linear version-table UPDATE, so the server parses and plans them once per
 * run instead of once per revision (for a small revision, that was most of
 * the server's work beyond the revision's own). Under the settings the
 * steps run with: a plan remembers the search_path it was made under and
 * is made again whenever it runs under another. The names are new for each
 * run, since `vhost test` runs several on one connection (run_online
 * deallocates them at the end). One round trip. */
static int prepare_steps(run *r)
{
	static unsigned seq;
	char *hist, *upd = NULL, *check = NULL, *sql = NULL;
	int rc;

	seq++;
	snprintf(r->hist_stmt, sizeof(r->hist_stmt), "vh__history_row_%u", seq);
	snprintf(r->ver_stmt, sizeof(r->ver_stmt), "vh__version_step_%u", seq);
	hist = vh_history_prepare_sql(&r->t, r->hist_stmt);
	if (asprintf(&upd, "UPDATE %s SET version_num = $1 WHERE %s.version_num = $2", r->t.vt,
		     r->t.vt) < 0)
		upd = NULL;
	if (!hist || !(check = checked_sql(upd)) ||
	    asprintf(&sql, "%s%s;\n%s;\nPREPARE %s (varchar, varchar) AS %s%s",
		     r->in_txn ? "" : "BEGIN;\n", r->settings, hist, r->ver_stmt, check,
		     r->in_txn ? "" : ";\nCOMMIT") < 0)
		sql = NULL;
	free(upd);
	free(check);
	free(hist);
	if (!sql)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	rc = vh_db_exec(r->conn, "preparing the version-table and history statements", sql);
	free(sql);
	if (rc < 0)
		r->hist_stmt[0] = r->ver_stmt[0] = '\0';
	return rc;
}

/* A step's version-table change, checked (checked_sql): the prepared
 * statement for the usual linear UPDATE, the statement itself for the
 * rarer DELETE, a plain INSERT (which cannot match a wrong number of
 * rows). New string, or NULL when out of memory. */
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
	if (a->kind == VH_VT_UPDATE && *r->ver_stmt) {
		if (asprintf(&sql, "EXECUTE %s(%s, %s)", r->ver_stmt, to, from) < 0)
			sql = NULL;
		goto done;
	}
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
		      char **out)
{
	const vh_revision *rev = vh_graph_rev(r->g, s->rev);
	vh_history_row row = {0};
	char *sql = NULL, *piece;
	size_t i;
	int rc = 0;

	*out = NULL;
	for (i = 0; i < s->nactions && rc == 0; i++) {
		piece = version_step_sql(r, &s->actions[i]);
		rc = append(&sql, piece);
		free(piece);
	}
	row.revision = rev->id;
	row.down_revision = rev->down_revision;
	row.direction = s->up ? "upgrade" : "downgrade";
	row.outcome = s->up ? "applied" : "reverted";
	row.message = rev->message;
	row.plugin_file = rev->path;
	row.plugin_sha256 = sha;
	row.duration_ms = ms;
	if (rc == 0) {
		piece = *r->hist_stmt ? vh_history_execute_sql(&r->t, r->hist_stmt, &row)
				      : vh_history_insert_sql(&r->t, &row);
		rc = append(&sql, piece);
		free(piece);
	}
	if (rc == 0 && commit)
		rc = append(&sql, "COMMIT");
	if (rc < 0) {
		free(sql);
		return rc;
	}
	*out = sql;
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
static int step_error(run *r, const vh_step *s, const vh_error_info *e)
{
	const vh_revision *rev = vh_graph_rev(r->g, s->rev);
	char stmt[240] = "", msg[1024];

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
				    s->up ? "upgrade" : "downgrade", rev->id, rev->path, msg,
				    *stmt ? " in statement: " : "", stmt);
	return vh_error_set(VH_ERR_GENERIC, "%s %s (%s) failed: %s%s%s%s%s%s",
			    s->up ? "upgrade" : "downgrade", rev->id, rev->path, msg,
			    *e->sqlstate ? " (SQLSTATE " : "", e->sqlstate, *e->sqlstate ? ")" : "",
			    *stmt ? " in statement: " : "", stmt);
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* Runs the revision function (and verify) with the crash reporters armed. */
static int call_revision(vh_plugin *p, const vh_step *s, const vh_revision *rev, vh_ctx *ctx)
{
	int rc;

	vh__running_rev = rev->id;
	vh__running_dir = s->up ? "upgrade" : "downgrade";
	vh__running_nontx = (rev->flags & VH_REV_NONTRANSACTIONAL) != 0;
	rc = s->up ? p->upgrade(ctx) : p->downgrade(ctx);
	if (rc == 0 && s->up && p->verify) {
		vh__running_dir = "verify";
		if ((rc = p->verify(ctx)) != 0 && !*vh_last_error(ctx)->message)
			vh_ctx_set_error(ctx, "verify() reported that the upgrade did not take effect",
					 NULL, NULL);
	}
	vh__running_rev = NULL;
	if (rc != 0 && !*vh_last_error(ctx)->message)
		vh_ctx_set_error(ctx, "the revision returned an error without a message", NULL, NULL);
	return rc;
}

/* One transactional attempt at a step. Returns 0, or the SDK/DB failure in
 * ctx (rc < 0). BEGIN and the settings travel with the revision's first
 * statement (the SDK's prelude) instead of costing a round trip of their
 * own: two round trips for a revision of one statement (it was four). */
static int attempt_step(run *r, const vh_step *s, vh_plugin *p, vh_ctx *ctx, const char *sha,
			double *ms)
{
	const vh_revision *rev = vh_graph_rev(r->g, s->rev);
	char *sql = NULL, *begin = NULL;
	const char *stmt = NULL; /* the statement to blame: COMMIT, or none */
	double t0 = now_ms();
	int rc, failed;

	if (asprintf(&begin, "%s%s", r->in_txn ? "" : "BEGIN;\n", r->settings) < 0)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	rc = vh_ctx_set_prelude(ctx, begin, r->nsettings + (r->in_txn ? 0 : 1), NULL, NULL);
	free(begin);
	if (rc < 0)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	failed = call_revision(p, s, rev, ctx) != 0;
	*ms = now_ms() - t0;
	/* A revision that ran nothing (or failed before its first statement)
	 * still opens its transaction, so run_step's ROLLBACK finds one. */
	if (vh_ctx_prelude_pending(ctx) && vh_ctx_flush_prelude(ctx) < 0)
		failed = 1;
	if (vh_ctx_prelude_failed(ctx)) {
		char *msg = NULL;

		if (asprintf(&msg, "starting the revision's transaction: %s",
			     vh_last_error(ctx)->message) >= 0)
			vh_ctx_set_error(ctx, msg, vh_last_error(ctx)->sqlstate, NULL);
		free(msg);
		return VH_ERR_DB;
	}
	if (failed)
		return VH_ERR_GENERIC;
	/* One round trip: version table, history row and COMMIT. */
	if ((rc = finish_sql(r, s, *ms, sha, !r->in_txn, &sql)) < 0)
		return rc;
	rc = send_checked(r, sql, "recording the revision in the version table", 1);
	if (rc < 0 && !r->in_txn && r->nok == s->nactions + 1)
		stmt = "COMMIT"; /* all but the last statement went through */
	if (rc < 0)
		vh_ctx_set_error(ctx, vh_error_last(), vh_db_last_sqlstate(), stmt);
	free(sql);
	return rc;
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
	double t0 = now_ms();
	int rc;

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
	/* Session-level settings: SET LOCAL would vanish with each statement. */
	if (asprintf(&set, "%s;\n%s", mark, r->settings) < 0)
		set = NULL;
	free(mark);
	if (!set)
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
	*ms = now_ms() - t0;
	PQclear(PQexec(r->conn, "RESET search_path; RESET lock_timeout; RESET statement_timeout"));
	if (rc != 0) {
		/* Keep the in-progress row's attention flag: part of it may have
		 * run. The failure row says what happened. */
		return VH_ERR_GENERIC;
	}
	if ((rc = finish_sql(r, s, *ms, sha, 0, &sql)) < 0)
		return rc;
	/* The id as a literal: ids may hold quotes (tests/sh/test_security.sh). */
	{
		char *id = vh_quote_literal(rev->id);

		if (!id || asprintf(&set,
				    "BEGIN;\nUPDATE %s SET attention = false WHERE attention AND "
				    "revision = %s AND outcome = 'in_progress'",
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
	if (vh_file_sha256(rev->path, r->next_sha) < 0 || vh_plugin_open(&r->next_p, rev) < 0) {
		vh_error_clear();
		return;
	}
	r->have_next = 1;
	r->next_idx = i;
}

/* Runs one step with retries on lock_timeout. */
static int run_step(run *r, const vh_step *s)
{
	const vh_revision *rev = vh_graph_rev(r->g, s->rev);
	int nontx = (rev->flags & VH_REV_NONTRANSACTIONAL) != 0;
	int attempt, rc = 0;
	char sha[65] = "", label[256];
	vh_plugin p;
	double ms = 0;

	vh_run_step_label(r->g, s, label, sizeof(label));
	if (r->have_next && r->next_idx == r->step) { /* prefetch_next did it */
		p = r->next_p;
		memcpy(sha, r->next_sha, sizeof(sha));
		r->have_next = 0;
	} else if (vh_file_sha256(rev->path, sha) < 0) {
		return rc = VH_ERR_GENERIC;
	} else if ((rc = vh_plugin_open(&p, rev)) < 0) {
		return rc;
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
		rc = nontx ? run_nontransactional(r, s, &p, ctx, sha, &ms)
			   : attempt_step(r, s, &p, ctx, sha, &ms);
		if (rc == 0) {
			vh_ctx_free(ctx);
			break;
		}
		e = vh_last_error(ctx);
		if (!nontx && !r->in_txn)
			PQclear(PQexec(r->conn, "ROLLBACK"));
		if (!nontx && !r->in_txn && strcmp(e->sqlstate, "55P03") == 0 &&
		    attempt < r->app->cfg->lock_retries && PQstatus(r->conn) == CONNECTION_OK) {
			int wait = 1000 << (attempt < 5 ? attempt : 5);

			if (!r->app->quiet)
				fprintf(stderr,
					" lock_timeout (%d ms) hit waiting for a table lock; retrying in "
					"%d s (attempt %d of %d)\nRunning %s %s, %s ...",
					r->app->cfg->lock_timeout, wait / 1000, attempt + 2,
					r->app->cfg->lock_retries + 1, s->up ? "upgrade" : "downgrade",
					label, rev->message);
			vh_ctx_free(ctx);
			sleep_ms(wait);
			continue;
		}
		if (!r->app->quiet)
			fprintf(stderr, " failed\n");
		vh__progress_open = 0;
		record_failure(r, s, sha, ms, e, 0);
		step_error(r, s, e);
		if (nontx)
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

/* Sets *out to whether the history table exists yet. Returns 0 or the
 * server's error. */
static int history_exists(run *r, int *out)
{
	const char *params[1] = {r->t.ht};
	PGresult *res;
	int rc;

	rc = vh_db_query(&res, r->conn, "looking for the history table",
			 "SELECT to_regclass($1) IS NOT NULL", 1, params);
	if (rc < 0)
		return rc;
	*out = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return 0;
}

/* Refuses to run while an interrupted non-transactional revision is
 * unresolved: guessing whether it took effect could lose data. */
static int check_interrupted(run *r)
{
	PGresult *res;
	char *sql;
	int rc;

	if (r->o->retry_interrupted)
		return 0;
	if (asprintf(&sql,
		     "SELECT revision, direction, to_char(started_at, 'YYYY-MM-DD HH24:MI:SS TZ'), "
		     "db_user, coalesce(client_host, '?') FROM %s WHERE attention ORDER BY id DESC LIMIT 1",
		     r->t.ht) < 0)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	rc = vh_db_query(&res, r->conn, "reading the history table", sql, 0, NULL);
	free(sql);
	if (rc < 0)
		return rc;
	if (PQntuples(res) > 0)
		rc = vh_error_set(VH_ERR_GENERIC,
				  "non-transactional revision %s (%s) was interrupted or failed part-way "
				  "(started %s by %s on %s), so the database may hold part of it. Check "
				  "the schema, then run 'vhost stamp %s' if it took effect (or stamp its "
				  "parent if it did not), or rerun with --retry-interrupted to run it again",
				  PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2),
				  PQgetvalue(res, 0, 3), PQgetvalue(res, 0, 4), PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

/* Refuses to run when an applied revision's plugin differs from the file
 * that was applied (SHA-256 in the history table). */
static int check_drift(run *r, const size_t *cur, size_t ncur)
{
	size_t count = vh_graph_count(r->g);
	unsigned char *applied;
	PGresult *res;
	char *sql, sha[65];
	int rc, i;

	if (r->o->ignore_drift || ncur == 0)
		return 0;
	if (asprintf(&sql,
		     "SELECT DISTINCT ON (revision) revision, plugin_sha256, "
		     "to_char(started_at, 'YYYY-MM-DD HH24:MI:SS TZ') FROM %s WHERE direction = 'upgrade' "
		     "AND outcome = 'applied' AND plugin_sha256 IS NOT NULL ORDER BY revision, id DESC",
		     r->t.ht) < 0)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	rc = vh_db_query(&res, r->conn, "reading the history table", sql, 0, NULL);
	free(sql);
	if (rc < 0)
		return rc;
	if (!(applied = calloc(count ? count : 1, 1))) {
		PQclear(res);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	vh_graph_mark_ancestors(r->g, cur, ncur, applied);
	for (i = 0; i < PQntuples(res) && rc == 0; i++) {
		long idx = vh_graph_find(r->g, PQgetvalue(res, i, 0));
		const vh_revision *rev;

		if (idx < 0 || !applied[idx])
			continue;
		rev = vh_graph_rev(r->g, (size_t)idx);
		if (vh_file_sha256(rev->path, sha) < 0) {
			rc = VH_ERR_GENERIC;
			break;
		}
		if (strcmp(sha, PQgetvalue(res, i, 1)) != 0)
			rc = vh_error_set(VH_ERR_GENERIC,
					  "revision %s was applied on %s from a plugin with SHA-256 %.12s..., "
					  "but %s now has %.12s...: the applied revision changed. Restore the "
					  "original plugin and write a new revision for the change, or rerun "
					  "with --ignore-drift if the change is harmless",
					  rev->id, PQgetvalue(res, i, 2), PQgetvalue(res, i, 1), rev->path, sha);
	}
	free(applied);
	PQclear(res);
	return rc;
}

static void summary(run *r, const vh_plan *plan, double ms)
{
	const char *what = r->o->dry_run ? "Dry run" : r->o->up ? "Upgraded" : "Downgraded";

	if (r->app->quiet)
		return;
	fprintf(stderr, "%s %s: %zu revision%s in %.0f ms%s.\n", what, r->app->cfg->schema, plan->n,
		plan->n == 1 ? "" : "s", ms,
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

static int run_online(vh_app *app, const char *spec_text, const vh_run_opts *o)
{
	run r = {0};
	char **ids = NULL;
	size_t nids = 0, *cur = NULL, *target = NULL, ntarget = 0, i, nrun = 0;
	double *step_ms = NULL;
	vh_plan plan = {0};
	int rc, locked = 0, has_history = 0;
	double t0 = now_ms();

	r.app = app;
	r.o = o;
	r.in_txn = o->dry_run || o->single_txn;
	if ((rc = vh_app_graph(app, &r.g)) < 0 || (rc = vh_tables_init(&r.t, app->cfg)) < 0)
		return rc;
	/* Parse before connecting: a bad spec is a usage error, whatever the
	 * database's state. */
	{
		vh_spec tmp;
		int is_range;

		if ((rc = vh_spec_parse(spec_text, 0, NULL, &tmp, &is_range)) < 0)
			goto done;
	}
	if ((rc = vh_app_conn(app, &r.conn)) < 0)
		goto done;
	snprintf(r.settings, sizeof(r.settings),
		 "SET LOCAL search_path TO %s, public;\nSET LOCAL lock_timeout = %d;\n"
		 "SET LOCAL statement_timeout = %d",
		 r.t.schema, app->cfg->lock_timeout, app->cfg->statement_timeout);
	r.nsettings = 3;

	if (r.in_txn) {
		if ((rc = vh_db_exec(r.conn, "starting the transaction", "BEGIN")) < 0)
			goto done;
		rc = vh_lock_acquire_xact(r.conn, r.t.lock_key, app->cfg->migration_lock_wait,
					  r.t.vt_display, app->quiet);
	} else {
		rc = vh_lock_acquire(r.conn, r.t.lock_key, app->cfg->migration_lock_wait,
				     r.t.vt_display, app->quiet);
		locked = rc == 0;
	}
	if (rc < 0)
		goto done;
	/* Nothing is created until there is a plan to run: a bad spec, an
	 * unknown target or nothing to do leaves a database vhost has never
	 * touched exactly as it was (tests/sh/test_badinput.sh). A missing
	 * version table reads as base; the history checks need their table. */
	if ((rc = vh_tables_read_versions(r.conn, &r.t, &ids, &nids)) < 0 ||
	    (rc = vh_run_map_versions(r.g, ids, nids, &cur)) < 0 ||
	    (rc = history_exists(&r, &has_history)) < 0 ||
	    (has_history && ((rc = check_interrupted(&r)) < 0 || (rc = check_drift(&r, cur, nids)) < 0)))
		goto done;
	if ((rc = vh_run_resolve(r.g, spec_text, 0, cur, nids, &target, &ntarget)) < 0)
		goto done;
	rc = o->up ? vh_plan_upgrade(&plan, r.g, cur, nids, target, ntarget)
		   : vh_plan_downgrade(&plan, r.g, cur, nids, target, ntarget);
	if (rc < 0)
		goto done;
	if (plan.n == 0) {
		nothing_to_do(&r, spec_text, cur, nids, target, ntarget);
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
	if ((rc = vh_tables_ensure(r.conn, &r.t)) < 0 || (rc = prepare_steps(&r)) < 0)
		goto done;
	signal(SIGSEGV, crash_report);
	signal(SIGBUS, crash_report);
	signal(SIGFPE, crash_report);
	signal(SIGILL, crash_report);
	signal(SIGABRT, crash_report);
	atexit(exit_report);
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
	for (i = 0; i < nrun; i++) {
		double ts = now_ms();

		r.step = i;
		rc = run_step(&r, &plan.steps[i]);
		step_ms[i] = now_ms() - ts;
		if (rc < 0)
			break;
	}
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
	if (rc == 0 && !o->dry_run)
		summary(&r, &plan, now_ms() - t0);
done:
	if (r.have_next)
		vh_plugin_close(&r.next_p);
	free(step_ms);
	if (r.conn && r.in_txn)
		PQclear(PQexec(r.conn, "ROLLBACK"));
	if (*r.hist_stmt && PQstatus(r.conn) == CONNECTION_OK) {
		char sql[128];

		snprintf(sql, sizeof(sql), "DEALLOCATE %s; DEALLOCATE %s", r.hist_stmt, r.ver_stmt);
		PQclear(PQexec(r.conn, sql));
	}
	if (locked)
		vh_lock_release(r.conn, r.t.lock_key);
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

	if (!app->cfg->transaction_per_revision)
		opts.single_txn = 1;
	if (opts.sql)
		return vh_offline_run(app, spec, &opts);
	return run_online(app, spec, &opts);
}
