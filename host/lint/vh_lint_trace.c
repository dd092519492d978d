/* vh_lint_trace.c - the lock trace (`lint --trace`, `test --trace-locks`):
 * the plan's revisions run for real in a scratch database, statement by
 * statement inside the revision's transaction, and after each statement
 * pg_locks says which relation locks the transaction holds; the ones that
 * are new were taken by that statement. So the report is measured, not only
 * read from the grammar (as eugene's `trace` does for SQL files).
 *
 * A revision that cannot be rendered offline (it queries the server) runs
 * through the SDK as a whole and its locks are reported for the revision. A
 * non-transactional revision commits each statement, so its locks are gone
 * before anyone can read them; it runs, and the trace says it was not
 * measured. */
#include "vh_lint_int.h"

#include <stdlib.h>
#include <string.h>

#include "vh_db.h"
#include "vh_error.h"
#include "vh_loader.h"
#include "vh_run.h"
#include "vh_sdk_host.h"
#include "vh_workflow.h"

/* Relation locks this backend holds, outside the system catalogs. A
 * relation dropped in this transaction has no pg_class row any more: its
 * oid stands in. */
static const char locks_sql[] =
	"SELECT COALESCE(quote_ident(n.nspname) || '.' || quote_ident(c.relname), 'oid ' || l.relation::text), l.mode"
	" FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation"
	" LEFT JOIN pg_namespace n ON n.oid = c.relnamespace"
	" WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted"
	" AND COALESCE(n.nspname NOT IN ('pg_catalog', 'information_schema')"
	"  AND n.nspname NOT LIKE 'pg\\_toast%', true)"
	" ORDER BY 1, 2";

typedef struct tracer {
	vh_lint_report *r;
	PGconn *conn;
	const char *schema;
	vh_lint_names seen; /* "relation mode" held in the open transaction */
} tracer;

/* Appends a trace entry for (rev, stmt) with the locks not seen before. */
static int record(tracer *t, const char *rev, unsigned stmt, const char *text)
{
	PGresult *res = NULL;
	vh_lint_traced *e;
	int rc, i;

	if ((rc = vh_db_query(&res, t->conn, "reading pg_locks", locks_sql, 0, NULL)) < 0)
		return rc;
	if (t->r->ntrace == t->r->trace_cap) {
		size_t cap = t->r->trace_cap ? t->r->trace_cap * 2 : 16;
		vh_lint_traced *v = realloc(t->r->trace, cap * sizeof(*v));

		if (!v)
			goto nomem;
		t->r->trace = v;
		t->r->trace_cap = cap;
	}
	e = &t->r->trace[t->r->ntrace++];
	memset(e, 0, sizeof(*e));
	e->stmt = stmt;
	if (!(e->revision = strdup(rev)) || (text && !(e->statement = strdup(text))) ||
	    !(e->locks = calloc((size_t)PQntuples(res) + 1, sizeof(*e->locks))))
		goto nomem;
	for (i = 0; i < PQntuples(res); i++) {
		const char *rel = PQgetvalue(res, i, 0), *mode = PQgetvalue(res, i, 1);

		if (vh_lint_names_has(&t->seen, rel, mode))
			continue;
		if (vh_lint_names_add(&t->seen, rel, mode) < 0)
			goto nomem;
		e->locks[e->nlocks].relation = strdup(rel);
		e->locks[e->nlocks].mode = strdup(mode);
		if (!e->locks[e->nlocks].relation || !e->locks[e->nlocks++].mode)
			goto nomem;
	}
	PQclear(res);
	return 0;
nomem:
	PQclear(res);
	return vh_error_set(VH_ERR_NOMEM, "out of memory");
}

static int begin(tracer *t, int local)
{
	char *q = vh_quote_ident(t->schema), *sql = NULL;
	int rc;

	vh_lint_names_clear(&t->seen);
	if (!q || asprintf(&sql, "%sSET %s search_path TO %s, public", local ? "BEGIN; " : "",
			   local ? "LOCAL" : "SESSION", q) < 0) {
		vh_free(q);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	vh_free(q);
	rc = vh_db_exec(t->conn, "starting a traced revision", sql);
	free(sql);
	return rc;
}

/* Runs one revision of the scratch plan; `measure` when it is in the
 * linted plan (its ancestors run only to build the schema it expects). */
static int run_rev(tracer *t, const vh_revision *rev, int measure)
{
	int nontx = (rev->flags & VH_REV_NONTRANSACTIONAL) != 0, rc, drc;
	const char *online = NULL;
	vh_lint_sql sql = {0};
	vh_ctx *ctx = NULL;
	vh_plugin p;
	size_t i;

	if ((rc = vh_plugin_open(&p, rev)) < 0)
		return rc;
	rc = vh_offline_record(&p, rev, t->schema, 1, NULL, 0, &ctx);
	if (ctx && !vh_ctx_needs_online(ctx, &online) && rc == 0)
		rc = vh_lint_parse(&sql, vh_ctx_script(ctx));
	else if (ctx)
		rc = 1; /* run it through the SDK, as a whole */
	vh_ctx_free(ctx);
	ctx = NULL;
	if (rc < 0 || (rc = begin(t, !nontx)) < 0)
		goto done;
	if (rc == 0 && sql.n > 0) {
		for (i = 0; i < sql.n && rc == 0; i++) {
			char what[96];

			snprintf(what, sizeof(what), "tracing %s statement %zu", rev->id, i + 1);
			if ((rc = vh_db_exec(t->conn, what, sql.stmts[i].text)) == 0 && measure && !nontx)
				rc = record(t, rev->id, (unsigned)i + 1, sql.stmts[i].text);
		}
	} else if (online || rc == 1) {
		if (!(ctx = vh_ctx_new(t->conn, t->schema, rev->id, NULL, NULL))) {
			rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		} else if ((rc = p.upgrade(ctx)) != 0) {
			rc = vh_error_set(VH_ERR_GENERIC, "tracing %s: upgrade() failed: %s", rev->id,
					  vh_last_error(ctx)->message);
		} else if (measure && !nontx) {
			rc = record(t, rev->id, 0, NULL);
		}
	}
	if (rc == 0 && measure && nontx)
		rc = record(t, rev->id, 0,
			    "(not measured: a VHOST_NON_TRANSACTIONAL revision commits each statement, "
			    "releasing its locks before pg_locks can show them)");
	drc = vh_db_exec(t->conn, "ending a traced revision",
			 rc == 0 ? (nontx ? "RESET search_path" : "COMMIT") : "ROLLBACK");
	if (rc == 0)
		rc = drc;
done:
	vh_ctx_free(ctx);
	vh_lint_sql_clear(&sql);
	vh_plugin_close(&p);
	return rc;
}

/* 1 when graph index `rev` is a step of `plan`. */
static int in_plan(const vh_plan *plan, size_t rev)
{
	size_t i;

	for (i = 0; i < plan->n; i++)
		if (plan->steps[i].rev == rev)
			return 1;
	return 0;
}

int vh_lint_trace(vh_lint_report *r, vh_app *app, const vh_plan *plan, int yes)
{
	vh_plan full = {0};
	vh_scratch scratch;
	tracer t = {0};
	PGconn *admin;
	vh_graph *g;
	size_t *targets = NULL, i, none = 0;
	char *sql = NULL, *q = NULL;
	int rc;

	r->traced = 1;
	if (plan->n == 0)
		return 0;
	if ((rc = vh_app_graph(app, &g)) < 0 || (rc = vh_app_conn(app, &admin)) < 0)
		return rc;
	/* The scratch database starts empty: run the plan's ancestors too. */
	if (!(targets = malloc(plan->n * sizeof(*targets))))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	for (i = 0; i < plan->n; i++)
		targets[i] = plan->steps[i].rev;
	rc = vh_plan_upgrade(&full, g, &none, 0, targets, plan->n); /* from base */
	free(targets);
	if (rc < 0 || (rc = vh_workflow_scratch_create(&scratch, app, admin, yes)) < 0)
		goto out;
	t.r = r;
	t.schema = scratch.is_schema ? scratch.name : app->cfg->schema;
	if (!(t.conn = vh_workflow_scratch_connect(&scratch))) {
		rc = VH_ERR_GENERIC;
		goto drop;
	}
	if (!(q = vh_quote_ident(t.schema)) || asprintf(&sql, "CREATE SCHEMA IF NOT EXISTS %s", q) < 0) {
		sql = NULL;
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto drop;
	}
	if ((rc = vh_db_exec(t.conn, "creating the traced schema", sql)) < 0)
		goto drop;
	for (i = 0; i < full.n && rc == 0; i++)
		rc = run_rev(&t, vh_graph_rev(g, full.steps[i].rev), in_plan(plan, full.steps[i].rev));
drop:
	if (t.conn)
		PQfinish(t.conn);
	if (vh_workflow_scratch_drop(&scratch) < 0 && rc == 0)
		rc = VH_ERR_GENERIC;
out:
	vh_free(q);
	free(sql);
	vh_lint_names_clear(&t.seen);
	vh_plan_clear(&full);
	return rc;
}
