/* vh_lint.c - `vhost lint` from end to end: which revisions (what `upgrade
 * SPEC` would run, a range, or all), rendering each one offline, reading
 * its VHOST_LINT_IGNORE list (vh_lint_render.c), checking its statements
 * and its downgrade,
 * and the gate `upgrade` and `test` run first. */
#include "vh_lint_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_db.h"
#include "vh_error.h"
#include "vh_run.h"

/* ---------------------------------------------------------------------
 * Name sets
 * --------------------------------------------------------------------- */

int vh_lint_names_add(vh_lint_names *s, const char *a, const char *b)
{
	char *e = NULL;

	if (vh_lint_names_has(s, a, b))
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		char **v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return vh_error_set(VH_ERR_NOMEM, "out of memory");
		s->v = v;
		s->cap = cap;
	}
	if (asprintf(&e, "%s%s%s", a, b ? "." : "", b ? b : "") < 0)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	s->v[s->n++] = e;
	return 0;
}

int vh_lint_names_has(const vh_lint_names *s, const char *a, const char *b)
{
	size_t i, la = strlen(a);

	for (i = 0; i < s->n; i++)
		if (strncmp(s->v[i], a, la) == 0 &&
		    (b ? s->v[i][la] == '.' && strcmp(s->v[i] + la + 1, b) == 0 : !s->v[i][la]))
			return 1;
	return 0;
}

void vh_lint_names_clear(vh_lint_names *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* ---------------------------------------------------------------------
 * One revision
 * --------------------------------------------------------------------- */

/* Marks the findings from `first` on that the revision silenced. */
static void apply_ignores(vh_lint_report *r, size_t first, const vh_lint_rendered *x)
{
	size_t k, i;

	for (k = 0; k < x->nignores; k++)
		for (i = first; i < r->n; i++)
			if (!r->f[i].ignored && strcmp(r->f[i].rule->id, x->ignores[2 * k]) == 0)
				r->f[i].ignored = strdup(*x->ignores[2 * k + 1] ? x->ignores[2 * k + 1]
										 : "(no reason given)");
}

/* Checks the statements of one rendered script. */
static void check_script(vh_lint_scan *s, const vh_lint_sql *sql)
{
	size_t i;

	for (i = 0; i < sql->n && !s->failed; i++) {
		s->stmt_no = (unsigned)i + 1;
		s->stmt_text = sql->stmts[i].text;
		if (sql->stmts[i].node)
			vh_lint_check_stmt(s, sql->stmts[i].node);
		else
			vh_lint_add(s, "syntax-error", NULL, NULL, NULL, "%s", sql->stmts[i].error);
	}
}

static int lint_revision(vh_lint_scan *s)
{
	static const char *const dir[2] = {"upgrade", "downgrade"};
	vh_lint_sql sql[2] = {{0}};
	vh_lint_rendered x;
	size_t first = s->rep->n;
	int rc, d;

	if ((rc = vh_lint_render(&x, s->rev, s->cfg->schema)) < 0)
		goto done;
	s->nontx = (s->rev->flags & VH_REV_NONTRANSACTIONAL) != 0;
	s->timeout_set = s->cfg->lock_timeout > 0;
	s->timeout_reported = 0;
	s->stmt_no = 0;
	if (x.crashed) {
		vh_lint_add(s, "render-failed", NULL, NULL, NULL,
			    "rendering it offline %s: nothing of it was linted", x.why[0]);
		goto ignores;
	}
	for (d = 0; d < 2; d++)
		if ((rc = vh_lint_parse(&sql[d], x.script[d])) < 0)
			goto done;
	check_script(s, &sql[0]);
	s->stmt_no = 0;
	for (d = 0; d < 2; d++) {
		if (x.status[d] == 1)
			vh_lint_add(s, "needs-server", NULL, NULL, NULL,
				    "%s() calls %s, which needs a live database: %zu statement%s before "
				    "it linted, the rest not", dir[d], x.why[d], sql[d].n,
				    sql[d].n == 1 ? "" : "s");
		else if (x.status[d] == 2)
			vh_lint_add(s, "render-failed", NULL, NULL, NULL,
				    "%s() failed when rendered offline: %s", dir[d], x.why[d]);
	}
	if (x.status[0] == 0 && x.status[1] == 0)
		vh_lint_check_revert(s, &sql[0], &sql[1]);
ignores:
	apply_ignores(s->rep, first, &x);
	rc = s->failed ? vh_error_set(VH_ERR_NOMEM, "out of memory linting %s", s->rev->id) : 0;
done:
	vh_lint_sql_clear(&sql[0]);
	vh_lint_sql_clear(&sql[1]);
	vh_lint_rendered_clear(&x);
	return rc;
}

/* ---------------------------------------------------------------------
 * The plan
 * --------------------------------------------------------------------- */

/* What `upgrade spec` would run against the database at hand: from its
 * current heads. A range, --all and offline plan from base (or START). */
static int make_plan(vh_plan *plan, vh_app *app, const vh_graph *g, const vh_lint_opts *o,
		     int online)
{
	const char *spec = o->all ? "heads" : o->spec ? o->spec : "head";
	size_t *cur = NULL, ncur = 0, *target = NULL, ntarget = 0;
	char **ids = NULL;
	int from_base, rc;

	if (o->all || !online || strchr(spec, ':'))
		return vh_offline_plan(plan, g, spec, 1, &from_base);
	if ((rc = vh_run_read_current(app, &ids, &cur, &ncur)) < 0 ||
	    (rc = vh_run_resolve(g, spec, 0, cur, ncur, &target, &ntarget)) < 0)
		goto done;
	rc = vh_plan_upgrade(plan, g, cur, ncur, target, ntarget);
done:
	vh_strv_free(ids);
	free(cur);
	free(target);
	return rc;
}

int vh_lint_run(vh_lint_report *out, vh_app *app, const vh_lint_opts *o)
{
	vh_lint_scan s = {0};
	vh_plan plan = {0};
	vh_graph *g;
	PGconn *conn = NULL;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = vh_app_graph(app, &g)) < 0)
		return rc;
	if (!o->offline && vh_app_conn(app, &conn) < 0) {
		fprintf(stderr, "vhost lint: no database (%s); linting offline, rule-default levels\n",
			vh_error_last());
		vh_error_clear();
		conn = NULL;
	}
	if ((rc = make_plan(&plan, app, g, o, conn != NULL)) < 0)
		return rc;
	s.rep = out;
	s.cfg = app->cfg;
	if (conn) {
		out->online = 1;
		out->database = vh_db_describe(conn);
		if (!(s.sizer = vh_lint_sizer_new(conn, app->cfg->schema))) {
			rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
			goto done;
		}
	}
	for (i = 0; i < plan.n; i++) {
		/* --all: each revision as it would run on a database already at
		 * its parent, which has lived with the earlier ones (a plan of
		 * pending revisions runs together: what one creates is new for
		 * the next). */
		if (o->all)
			vh_lint_names_clear(&s.created);
		s.rev = vh_graph_rev(g, plan.steps[i].rev);
		if ((rc = lint_revision(&s)) < 0)
			goto done;
		out->nrevs++;
	}
	if (o->trace)
		rc = vh_lint_trace(out, app, &plan, o->yes);
done:
	vh_lint_sizer_free(s.sizer);
	vh_lint_names_clear(&s.created);
	vh_lint_names_clear(&s.notnull_ok);
	vh_lint_names_clear(&s.notnull_pending);
	vh_plan_clear(&plan);
	return rc;
}

/* ---------------------------------------------------------------------
 * The `lint` setting and the gate before upgrade
 * --------------------------------------------------------------------- */

int vh_lint_mode(const vh_app *app, int *mode)
{
	static const char *const names[] = {"off", "warn", "error"};
	const char *v = app->cfg->lint ? app->cfg->lint : "warn";
	int i;

	for (i = 0; i < 3; i++)
		if (strcmp(v, names[i]) == 0) {
			*mode = i;
			return 0;
		}
	return vh_error_set(VH_ERR_USAGE, "%s: lint = '%s': expected off, warn or error",
			    app->cfg->path ? app->cfg->path : "settings", v);
}

int vh_lint_gate(vh_app *app, const char *spec, int all, int *worst)
{
	vh_lint_report r;
	vh_lint_opts o = {0};
	int mode = 0, rc;

	PGconn *conn;

	if (worst)
		*worst = -1;
	if ((rc = vh_lint_mode(app, &mode)) < 0 || mode == 0)
		return rc;
	/* Without a database the command itself fails, with its own message. */
	if (vh_app_conn(app, &conn) < 0) {
		vh_error_clear();
		return 0;
	}
	o.spec = spec;
	o.all = all;
	rc = vh_lint_run(&r, app, &o);
	/* What lint could not see is lint's business: a revision that fails or
	 * needs the server is reported by the run itself. */
	vh_lint_report_drop(&r, "render-failed");
	vh_lint_report_drop(&r, "needs-server");
	if (rc == 0 && vh_lint_worst(&r) >= VH_LINT_WARNING)
		vh_lint_print(stderr, &r, VH_LINT_TEXT, VH_LINT_WARNING);
	if (rc == 0 && worst)
		*worst = vh_lint_worst(&r);
	if (rc == 0 && mode == 2 && vh_lint_worst(&r) == VH_LINT_ERROR)
		rc = vh_error_set(VH_ERR_GENERIC,
				  "lint = error: a revision to run has a finding at error level (above); "
				  "nothing was run. Fix it, silence it with VHOST_LINT_IGNORE(\"rule\", "
				  "\"why\"), or set lint = warn");
	vh_lint_report_clear(&r);
	return rc;
}

int vh_lint_trace_locks(vh_app *app, int yes)
{
	vh_lint_opts o = {0};
	vh_lint_report r;
	int rc;

	o.all = 1;
	o.trace = 1;
	o.yes = yes;
	if ((rc = vh_lint_run(&r, app, &o)) == 0)
		vh_lint_print_trace(stdout, &r);
	vh_lint_report_clear(&r);
	return rc;
}
