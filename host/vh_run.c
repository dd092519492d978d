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

/* The revision running now, for the crash and exit() reports below. */
static const char *vh__running_rev;
static const char *vh__running_dir;

static void crash_report(int sig)
{
	char msg[256];
	int len;

	len = snprintf(msg, sizeof(msg),
		       "FAILED: revision %s crashed (%s) during %s(); the server rolls back its "
		       "transaction, so the database stays at the previous revision\n",
		       vh__running_rev ? vh__running_rev : "?", strsignal(sig),
		       vh__running_dir ? vh__running_dir : "?");
	if (len > 0 && write(2, msg, (size_t)len) < 0)
		len = 0;
	signal(sig, SIG_DFL);
	raise(sig);
}

static void exit_report(void)
{
	if (vh__running_rev)
		fprintf(stderr,
			"FAILED: revision %s called exit() during %s(); its transaction is rolled back "
			"by the server, so the database stays at the previous revision\n",
			vh__running_rev, vh__running_dir);
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

	buf[0] = '\0';
	if (s->up) {
		for (i = 0; i < np; i++) {
			used = strlen(buf);
			snprintf(buf + used, len - used, "%s%s", i ? ", " : "", vh_graph_rev(g, par[i])->id);
		}
		used = strlen(buf);
		snprintf(buf + used, len - used, " -> %s", id);
	} else {
		snprintf(buf, len, "%s -> ", id);
		for (i = 0; i < s->nto_heads; i++) {
			used = strlen(buf);
			snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
				 vh_graph_rev(g, s->to_heads[i])->id);
		}
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
} run;

/* Sends several statements in one round trip and checks each result: a
 * version-table UPDATE or DELETE must touch exactly one row, as Alembic
 * insists online. Returns 0 or VH_ERR_DB. */
static int send_checked(run *r, const char *sql, const char *what)
{
	PGresult *res;
	int rc = 0;

	if (!PQsendQuery(r->conn, sql))
		return vh_db_error(r->conn, NULL, what);
	while ((res = PQgetResult(r->conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);

		if (rc == 0 && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
			rc = vh_db_error(r->conn, res, what);
		else if (rc == 0 && (strncmp(PQcmdStatus(res), "UPDATE", 6) == 0 ||
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
 * changes and the history row (and COMMIT when each revision has its own
 * transaction). */
static int finish_sql(run *r, const vh_step *s, double ms, const char *sha, char **out)
{
	const vh_revision *rev = vh_graph_rev(r->g, s->rev);
	vh_history_row row = {0};
	char *sql = NULL, *piece;
	size_t i;
	int rc = 0;

	*out = NULL;
	for (i = 0; i < s->nactions && rc == 0; i++) {
		piece = vh_run_action_sql(&r->t, r->g, &s->actions[i], 0);
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
		piece = vh_history_insert_sql(&r->t, &row);
		rc = append(&sql, piece);
		free(piece);
	}
	if (rc == 0 && !r->in_txn)
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
	char stmt[240] = "";

	if (*e->statement)
		snprintf(stmt, sizeof(stmt), "%s", vh_db_oneline(e->statement));
	return vh_error_set(VH_ERR_GENERIC, "%s %s (%s) failed: %s%s%s%s%s%s",
			    s->up ? "upgrade" : "downgrade", rev->id, rev->path, e->message,
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
 * ctx (rc < 0). */
static int attempt_step(run *r, const vh_step *s, vh_plugin *p, vh_ctx *ctx, const char *sha,
			double *ms)
{
	const vh_revision *rev = vh_graph_rev(r->g, s->rev);
	char *sql = NULL, *begin = NULL;
	double t0 = now_ms();
	int rc;

	if (asprintf(&begin, "%s%s", r->in_txn ? "" : "BEGIN;\n", r->settings) < 0)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	rc = vh_db_exec(r->conn, "starting the revision's transaction", begin);
	free(begin);
	if (rc < 0) {
		vh_ctx_set_error(ctx, vh_error_last(), vh_db_last_sqlstate(), NULL);
		return rc;
	}
	if (call_revision(p, s, rev, ctx) != 0) {
		*ms = now_ms() - t0;
		return VH_ERR_GENERIC;
	}
	*ms = now_ms() - t0;
	if ((rc = finish_sql(r, s, *ms, sha, &sql)) < 0)
		return rc;
	rc = send_checked(r, sql, "recording the revision in the version table");
	if (rc < 0)
		vh_ctx_set_error(ctx, vh_error_last(), vh_db_last_sqlstate(), "COMMIT");
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
	if ((rc = finish_sql(r, s, *ms, sha, &sql)) < 0)
		return rc;
	if (asprintf(&set,
		     "BEGIN;\nUPDATE %s SET attention = false WHERE attention AND revision = '%s' "
		     "AND outcome = 'in_progress';\n%s",
		     r->t.ht, rev->id, sql) < 0)
		set = NULL;
	free(sql);
	if (!set)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	rc = send_checked(r, set, "recording the revision in the version table");
	free(set);
	if (rc < 0)
		vh_ctx_set_error(ctx, vh_error_last(), vh_db_last_sqlstate(), "COMMIT");
	return rc;
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
	if (vh_file_sha256(rev->path, sha) < 0)
		return rc = VH_ERR_GENERIC;
	if ((rc = vh_plugin_open(&p, rev)) < 0)
		return rc;
	if (!r->app->quiet)
		fprintf(stderr, "Running %s %s, %s ...", s->up ? "upgrade" : "downgrade", label,
			rev->message);

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
	vh_plugin_close(&p);
	return rc;
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

static int run_online(vh_app *app, const char *spec_text, const vh_run_opts *o)
{
	run r = {0};
	char **ids = NULL;
	size_t nids = 0, *cur = NULL, *target = NULL, ntarget = 0, i;
	vh_plan plan = {0};
	int rc, locked = 0;
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
	if ((rc = vh_tables_ensure(r.conn, &r.t)) < 0 ||
	    (rc = vh_tables_read_versions(r.conn, &r.t, &ids, &nids)) < 0 ||
	    (rc = vh_run_map_versions(r.g, ids, nids, &cur)) < 0 ||
	    (rc = check_interrupted(&r)) < 0 || (rc = check_drift(&r, cur, nids)) < 0)
		goto done;
	if ((rc = vh_run_resolve(r.g, spec_text, 0, cur, nids, &target, &ntarget)) < 0)
		goto done;
	rc = o->up ? vh_plan_upgrade(&plan, r.g, cur, nids, target, ntarget)
		   : vh_plan_downgrade(&plan, r.g, cur, nids, target, ntarget);
	if (rc < 0)
		goto done;
	if (plan.n == 0) {
		vh_app_info(app, "Nothing to do: %s is already at %s.", app->cfg->schema, spec_text);
		goto done;
	}
	for (i = 0; i < plan.n && r.in_txn; i++)
		if (vh_graph_rev(r.g, plan.steps[i].rev)->flags & VH_REV_NONTRANSACTIONAL) {
			rc = vh_error_set(VH_ERR_GENERIC,
					  "revision %s must run outside a transaction, so it cannot be part "
					  "of %s; run the plan up to its parent first, then without that option",
					  vh_graph_rev(r.g, plan.steps[i].rev)->id,
					  o->dry_run ? "a dry run" : "a single-transaction run");
			goto done;
		}
	signal(SIGSEGV, crash_report);
	signal(SIGBUS, crash_report);
	signal(SIGFPE, crash_report);
	signal(SIGILL, crash_report);
	signal(SIGABRT, crash_report);
	atexit(exit_report);
	for (i = 0; i < plan.n; i++)
		if ((rc = run_step(&r, &plan.steps[i])) < 0)
			goto done;
	if (o->dry_run) {
		rc = vh_db_exec(r.conn, "rolling back the dry run", "ROLLBACK");
		r.in_txn = 0;
	} else if (r.in_txn) {
		rc = vh_db_exec(r.conn, "committing", "COMMIT");
		r.in_txn = 0;
	}
	if (rc == 0)
		summary(&r, &plan, now_ms() - t0);
done:
	if (r.conn && r.in_txn)
		PQclear(PQexec(r.conn, "ROLLBACK"));
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
