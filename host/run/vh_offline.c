/* vh_offline.c - `upgrade --sql` and `downgrade --sql`: the plan rendered as
 * a SQL script in the shape Alembic prints, with no database at all. Each
 * revision runs against a recording SDK context; the script is assembled in
 * memory and printed only when every revision rendered, so a partial script
 * is never mistaken for a whole one.
 *
 * The shape (transaction_per_revision, the default):
 *
 *     BEGIN;
 *     CREATE SCHEMA IF NOT EXISTS s;          only when starting from base,
 *     CREATE TABLE s.alembic_version (...);   in the first transaction
 *     -- Running upgrade  -> A
 *     SET LOCAL search_path TO s, public;     what the online runner sets
 *     SET LOCAL lock_timeout = 5000;
 *     <the revision's statements>
 *     INSERT INTO s.alembic_version ...;
 *     COMMIT;
 *     BEGIN;
 *     -- Running upgrade A -> B
 *     ...
 *
 * (with a blank line after each statement, as Alembic writes them). With
 * --single-transaction there is one BEGIN ... COMMIT around everything. A
 * non-transactional revision (CREATE INDEX CONCURRENTLY) runs between a
 * COMMIT and the next BEGIN, as Alembic's autocommit_block() prints it, and
 * its version-table change follows in a transaction of its own. */
#include "vh_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_error.h"
#include "vh_loader.h"
#include "vh_sdk_host.h"
#include "vh_spec.h"

/* What is being written, and the transaction state of the script so far. */
typedef struct emit {
	FILE *out;
	const vh_graph *g;
	const vh_tables *t;
	const vh_config *cfg;
	const vh_app *app;
	int per_rev;  /* a transaction per revision */
	int with_history; /* --with-history: history rows too */
	int open;     /* a BEGIN is open */
	int env_set;  /* the open transaction has its SET LOCALs */
} emit;

/* Opens a transaction in the script; its SET LOCALs are still to come. */
static void emit_begin(emit *e)
{
	fputs("BEGIN;\n\n", e->out);
	e->open = 1;
	e->env_set = 0;
}

/* Closes the open transaction in the script. */
static void emit_commit(emit *e)
{
	fputs("COMMIT;\n\n", e->out);
	e->open = 0;
}

/* The settings the online runner gives each revision: `local` for SET LOCAL
 * (inside a transaction), else session-wide SET (non-transactional). */
static void emit_settings(emit *e, int local)
{
	const char *set = local ? "SET LOCAL" : "SET";

	fprintf(e->out, "%s search_path TO %s, public;\n", set, e->t->schema);
	if (e->cfg->lock_timeout > 0)
		fprintf(e->out, "%s lock_timeout = %d;\n", set, e->cfg->lock_timeout);
	if (e->cfg->statement_timeout > 0)
		fprintf(e->out, "%s statement_timeout = %d;\n", set, e->cfg->statement_timeout);
	fputc('\n', e->out);
}

/* The revision's recorded statements, then a blank line. */
static void emit_script(emit *e, const char *script)
{
	if (*script)
		fprintf(e->out, "%s\n", script);
}

/* Resolves one side of the range against `cur` (the START side, for a
 * relative END). Returns 0 with *out malloc'd (the caller's). */
static int resolve_side(const vh_graph *g, const vh_spec *spec, const char *text,
			const size_t *cur, size_t ncur, size_t **out, size_t *n)
{
	*n = 0;
	*out = malloc((vh_graph_count(g) + 1) * sizeof(size_t));
	if (!*out)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	if (spec->kind == VH_SPEC_NONE)
		return 0;
	if (spec->kind == VH_SPEC_CURRENT && !cur)
		return vh_error_set(VH_ERR_USAGE,
				    "'%s': there is no current revision offline; give the starting "
				    "revision as START:END",
				    text);
	return vh_spec_resolve(g, spec, cur, ncur, *out, n);
}

int vh_offline_record(const vh_plugin *p, const vh_revision *rev, const char *schema, int up,
		      const char *const *xargs, size_t nxargs, vh_ctx **out)
{
	if (!(*out = vh_ctx_new(NULL, schema, rev->id, NULL, NULL)))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	/* a revision reads -x offline too, so the script is what it would run */
	vh_ctx_set_xargs(*out, xargs, nxargs);
	return up ? p->upgrade(*out) : p->downgrade(*out);
}

/* --with-history: the row the online runner writes for a step (applied or
 * reverted, with the plugin's SHA-256 so a later online run sees no drift),
 * in the step's transaction. No duration: nothing ran yet. */
static int emit_history(emit *e, const vh_step *s)
{
	const vh_revision *rev = vh_graph_rev(e->g, s->rev);
	vh_history_row row;
	char sha[65], *sql;
	int rc;

	if ((rc = vh_file_sha256(rev->path, sha)) < 0)
		return rc;
	vh_history_row_done(&row, rev, s->up, sha, -1);
	if (!(sql = vh_history_insert_sql(e->t, &row)))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	fprintf(e->out, "%s;\n\n", sql);
	free(sql);
	return 0;
}

/* Renders one step. Returns 0, or an error naming the revision when it
 * cannot be rendered (it needs the server, or it failed). */
static int render_step(emit *e, const vh_step *s)
{
	const vh_revision *rev = vh_graph_rev(e->g, s->rev);
	int nontx = (rev->flags & VH_REV_NONTRANSACTIONAL) != 0;
	const char *why = NULL, *dir = s->up ? "upgrade" : "downgrade";
	char label[256];
	vh_plugin p;
	vh_ctx *ctx = NULL;
	size_t i;
	int rc;

	if ((rc = vh_plugin_open(&p, rev)) < 0)
		return rc;
	rc = vh_offline_record(&p, rev, e->cfg->schema, s->up, e->app->xargs, e->app->nxargs, &ctx);
	if (!ctx) {
		vh_plugin_close(&p);
		return rc;
	}
	if (vh_ctx_needs_online(ctx, &why)) {
		rc = vh_error_set(VH_ERR_GENERIC,
				  "revision %s (%s) cannot be rendered offline: its %s() calls %s, which "
				  "needs a live database; run it online, or have it use only vh_exec/vh_execf",
				  rev->id, rev->path, dir, why);
		goto done;
	}
	if (rc != 0) {
		rc = vh_error_set(VH_ERR_GENERIC, "revision %s (%s) failed while rendering offline: %s",
				  rev->id, rev->path,
				  *vh_last_error(ctx)->message ? vh_last_error(ctx)->message
							       : "it returned an error without a message");
		goto done;
	}
	vh_plan_step_label(e->g, s, "", label, sizeof(label));
	if (nontx) {
		if (e->open)
			emit_commit(e);
		fprintf(e->out, "-- Running %s %s\n-- (outside a transaction: VHOST_NON_TRANSACTIONAL)\n\n",
			dir, label);
		emit_settings(e, 0);
		emit_script(e, vh_ctx_script(ctx));
		fputs("RESET search_path;\n", e->out);
		if (e->cfg->lock_timeout > 0)
			fputs("RESET lock_timeout;\n", e->out);
		if (e->cfg->statement_timeout > 0)
			fputs("RESET statement_timeout;\n", e->out);
		fputc('\n', e->out);
		emit_begin(e);
	} else {
		if (!e->open)
			emit_begin(e);
		fprintf(e->out, "-- Running %s %s\n\n", dir, label);
		if (!e->env_set || e->per_rev)
			emit_settings(e, 1);
		e->env_set = 1;
		emit_script(e, vh_ctx_script(ctx));
	}
	for (i = 0; i < s->nactions; i++) {
		char *sql = vh_run_action_sql(e->t, e->g, &s->actions[i], 1);

		if (!sql) {
			rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
			goto done;
		}
		fprintf(e->out, "%s;\n\n", sql);
		free(sql);
	}
	if (e->with_history && (rc = emit_history(e, s)) < 0)
		goto done;
	if (e->per_rev)
		emit_commit(e);
done:
	vh_ctx_free(ctx);
	vh_plugin_close(&p);
	return rc;
}

/* The version table's preamble when the script starts from base: its schema
 * (and the target schema, when another) and the table, as Alembic creates
 * it only in that case. */
static int render_preamble(emit *e)
{
	char *ddl = vh_tables_version_ddl(e->t);

	if (!ddl)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	emit_begin(e);
	if (strcmp(e->t->schema, e->t->vschema) != 0)
		fprintf(e->out, "CREATE SCHEMA IF NOT EXISTS %s;\n\n", e->t->schema);
	fprintf(e->out, "CREATE SCHEMA IF NOT EXISTS %s;\n\n%s;\n\n", e->t->vschema, ddl);
	free(ddl);
	return 0;
}

int vh_offline_plan(vh_plan *plan, const vh_graph *g, const char *spec_text, int up,
		    int *from_base)
{
	vh_spec from, to;
	size_t *cur = NULL, ncur = 0, *target = NULL, ntarget = 0;
	int rc, is_range = 0;

	if ((rc = vh_spec_parse(spec_text, VH_SPEC_ALLOW_RANGE, &from, &to, &is_range)) < 0)
		return rc;
	if (!up && !is_range)
		return vh_error_set(VH_ERR_USAGE, "downgrade with --sql requires <fromrev>:<torev>");
	if (!is_range)
		from.kind = VH_SPEC_NONE;
	/* START is where the database is taken to be; a relative END ("-1",
	 * "+2") counts from it, as Alembic's head:-1. */
	if ((rc = resolve_side(g, &from, spec_text, NULL, 0, &cur, &ncur)) < 0 ||
	    (rc = resolve_side(g, &to, spec_text, is_range ? cur : NULL, ncur, &target,
				 &ntarget)) < 0)
		goto done;
	/* An impossible walk renders nothing, silently: say so instead. */
	if (is_range &&
	    (rc = up ? vh_run_check_range(g, spec_text, "an upgrade range", 1, cur, ncur, target,
					     ntarget)
			: vh_run_check_range(g, spec_text, "a downgrade range", 0, target, ntarget,
					     cur, ncur)) < 0)
		goto done;
	ncur = vh_plan_reduce_heads(g, cur, ncur);
	*from_base = ncur == 0;
	rc = vh_plan_for_spec(plan, g, up, &to, cur, ncur, target, ntarget);
done:
	free(cur);
	free(target);
	return rc;
}

int vh_offline_run(vh_app *app, const char *spec_text, const vh_run_opts *o)
{
	vh_graph *g;
	vh_tables t = {0};
	vh_plan plan = {0};
	size_t i, len = 0;
	char *script = NULL;
	emit e = {0};
	int rc, from_base = 0;

	if ((rc = vh_app_graph(app, &g)) < 0 || (rc = vh_tables_init(&t, app->cfg)) < 0 ||
	    (rc = vh_offline_plan(&plan, g, spec_text, o->up, &from_base)) < 0)
		goto done;
	e.g = g;
	e.t = &t;
	e.cfg = app->cfg;
	e.app = app;
	e.with_history = o->with_history;
	if ((rc = vh_tables_set_run(&t, o->tag, app->xargs, app->nxargs)) < 0)
		goto done;
	e.per_rev = !o->single_txn;
	if (!(e.out = open_memstream(&script, &len))) {
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	if (o->up && from_base && (rc = render_preamble(&e)) < 0)
		goto done;
	if (o->with_history && plan.n) {
		char *ddl = vh_tables_history_ddl(&t);

		if (!ddl) {
			rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
			goto done;
		}
		if (!e.open)
			emit_begin(&e);
		fprintf(e.out, "%s\n", ddl);
		free(ddl);
	}
	for (i = 0; i < plan.n; i++)
		if ((rc = render_step(&e, &plan.steps[i])) < 0)
			goto done;
	if (e.open)
		emit_commit(&e);
	if (fclose(e.out) != 0) {
		e.out = NULL;
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	e.out = NULL;
	fputs(script, stdout);
	vh_app_info(app, "Rendered %zu revision%s offline for %s.", plan.n, plan.n == 1 ? "" : "s",
		    app->cfg->schema);
done:
	if (e.out)
		fclose(e.out);
	free(script);
	vh_plan_clear(&plan);
	vh_tables_clear(&t);
	return rc;
}
