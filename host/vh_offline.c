/* vh_offline.c - `upgrade --sql` and `downgrade --sql`: the plan rendered as
 * a SQL script in the shape Alembic prints, with no database at all. Each
 * revision runs against a recording SDK context; the script is assembled in
 * memory and printed only when every revision rendered, so a partial script
 * is never mistaken for a whole one. */
#include "vh_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_error.h"
#include "vh_loader.h"
#include "vh_sdk_host.h"
#include "vh_spec.h"

/* Resolves one side of the range; the empty side is base. */
static int resolve_side(const vh_graph *g, const vh_spec *spec, const char *text, size_t **out,
			size_t *n)
{
	*n = 0;
	*out = malloc((vh_graph_count(g) + 1) * sizeof(size_t));
	if (!*out)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	if (spec->kind == VH_SPEC_NONE)
		return 0;
	if (spec->kind == VH_SPEC_CURRENT)
		return vh_error_set(VH_ERR_USAGE,
				    "'%s': there is no current revision offline; give the starting "
				    "revision as START:END",
				    text);
	return vh_spec_resolve(g, spec, NULL, 0, *out, n);
}

/* Renders one step into `out`. Returns 0, or an error naming the revision
 * when it cannot be rendered. */
static int render_step(FILE *out, const vh_graph *g, const vh_tables *t, const vh_step *s,
		       const vh_config *cfg, int per_rev)
{
	const vh_revision *rev = vh_graph_rev(g, s->rev);
	int nontx = (rev->flags & VH_REV_NONTRANSACTIONAL) != 0;
	const char *why = NULL;
	char label[256];
	vh_plugin p;
	vh_ctx *ctx;
	size_t i;
	int rc;

	if ((rc = vh_plugin_open(&p, rev)) < 0)
		return rc;
	if (!(ctx = vh_ctx_new(NULL, cfg->schema, rev->id, NULL, NULL))) {
		vh_plugin_close(&p);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	rc = s->up ? p.upgrade(ctx) : p.downgrade(ctx);
	if (vh_ctx_needs_online(ctx, &why)) {
		rc = vh_error_set(VH_ERR_GENERIC,
				  "revision %s (%s) cannot be rendered offline: its %s() calls %s, which "
				  "needs a live database; run it online, or have it use only vh_exec/vh_execf",
				  rev->id, rev->path, s->up ? "upgrade" : "downgrade", why);
	} else if (rc != 0) {
		rc = vh_error_set(VH_ERR_GENERIC, "revision %s (%s) failed while rendering offline: %s",
				  rev->id, rev->path, vh_last_error(ctx)->message);
	} else {
		vh_run_step_label(g, s, label, sizeof(label));
		if (nontx)
			fprintf(out, "%s-- %s must run outside a transaction\nSET search_path TO %s, public;\n",
				per_rev ? "" : "COMMIT;\n", rev->id, t->schema);
		else if (per_rev)
			fprintf(out, "BEGIN;\nSET LOCAL search_path TO %s, public;\n", t->schema);
		fprintf(out, "-- Running %s %s\n%s", s->up ? "upgrade" : "downgrade", label,
			vh_ctx_script(ctx));
		if (nontx)
			fprintf(out, "RESET search_path;\nBEGIN;\n");
		for (i = 0; i < s->nactions; i++) {
			char *sql = vh_run_action_sql(t, g, &s->actions[i], 1);

			if (!sql) {
				rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
				break;
			}
			fprintf(out, "%s;\n", sql);
			free(sql);
		}
		if (nontx && !per_rev)
			fprintf(out, "SET LOCAL search_path TO %s, public;\n", t->schema);
		if (per_rev)
			fputs("COMMIT;\n\n", out);
	}
	vh_ctx_free(ctx);
	vh_plugin_close(&p);
	return rc;
}

int vh_offline_run(vh_app *app, const char *spec_text, const vh_run_opts *o)
{
	vh_spec from, to;
	vh_graph *g;
	vh_tables t = {0};
	vh_plan plan = {0};
	size_t *cur = NULL, ncur = 0, *target = NULL, ntarget = 0, i, len = 0;
	char *script = NULL, *ddl = NULL;
	FILE *out = NULL;
	int rc, is_range = 0, per_rev = !o->single_txn;

	if ((rc = vh_spec_parse(spec_text, VH_SPEC_ALLOW_RANGE, &from, &to, &is_range)) < 0)
		return rc;
	if (!o->up && !is_range)
		return vh_error_set(VH_ERR_USAGE, "downgrade with --sql requires <fromrev>:<torev>");
	if (!is_range)
		from.kind = VH_SPEC_NONE;
	if ((rc = vh_app_graph(app, &g)) < 0 || (rc = vh_tables_init(&t, app->cfg)) < 0)
		return rc;
	if ((rc = resolve_side(g, &from, spec_text, &cur, &ncur)) < 0 ||
	    (rc = resolve_side(g, &to, spec_text, &target, &ntarget)) < 0)
		goto done;
	ncur = vh_plan_reduce_heads(g, cur, ncur);
	rc = o->up ? vh_plan_upgrade(&plan, g, cur, ncur, target, ntarget)
		   : vh_plan_downgrade(&plan, g, cur, ncur, target, ntarget);
	if (rc < 0)
		goto done;
	if (!(out = open_memstream(&script, &len)) || !(ddl = vh_tables_version_ddl(&t))) {
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	/* As Alembic: the version table is created only when starting from
	 * base; the schema it lives in must exist first. */
	if (o->up && ncur == 0)
		fprintf(out, "BEGIN;\n\nCREATE SCHEMA IF NOT EXISTS %s;\n\n%s;\n\n%s", t.vschema, ddl,
			per_rev ? "COMMIT;\n\n" : "");
	else if (!per_rev)
		fprintf(out, "BEGIN;\n\n");
	if (!per_rev)
		fprintf(out, "SET LOCAL search_path TO %s, public;\n\n", t.schema);
	for (i = 0; i < plan.n; i++)
		if ((rc = render_step(out, g, &t, &plan.steps[i], app->cfg, per_rev)) < 0)
			goto done;
	if (!per_rev)
		fprintf(out, "COMMIT;\n\n");
	if (fclose(out) != 0) {
		out = NULL;
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	out = NULL;
	fputs(script, stdout);
	vh_app_info(app, "Rendered %zu revision%s offline for %s.", plan.n, plan.n == 1 ? "" : "s",
		    app->cfg->schema);
done:
	if (out)
		fclose(out);
	free(script);
	free(ddl);
	free(cur);
	free(target);
	vh_plan_clear(&plan);
	vh_tables_clear(&t);
	return rc;
}
