/* vh_fleet.c - one command over a fleet, from start to report: load the
 * targets, take this machine's shard, scan the plugins once, probe the
 * shared databases, run the rest in children, print the table. */
#include "vh_fleet.h"

#include <stdlib.h>
#include <string.h>

#include "vh_clock.h"
#include "vh_conninfo.h"
#include "vh_error.h"
#include "vh_plan.h"
#include "vh_run.h"

int vh_fleet_target_config(vh_config *cfg, const vh_fleet_target *t)
{
	char *schema = strdup(t->schema), *vschema = strdup(t->vschema);
	int rc;

	if (!schema || !vschema) {
		free(schema);
		free(vschema);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	free(cfg->schema);
	free(cfg->version_table_schema);
	cfg->schema = schema;
	cfg->version_table_schema = vschema;
	if (!t->dsn)
		return 0;
	/* The target's conninfo is the whole connection: [database]'s
	 * keywords name another database. */
	vh_conninfo_clear(&cfg->conn);
	if ((rc = vh_conninfo_init(&cfg->conn)) < 0)
		return rc;
	return vh_conninfo_set_dsn(&cfg->conn, t->dsn, t->name);
}

/* Marks the ancestors of the revisions in "a b c"; -1 when one is unknown. */
static int mark(const vh_graph *g, const char *text, unsigned char *m)
{
	char *copy = strdup(text), *tok, *save = NULL;
	long idx;
	size_t i;
	int rc = copy ? 0 : -1;

	for (tok = copy ? strtok_r(copy, " ", &save) : NULL; tok; tok = strtok_r(NULL, " ", &save)) {
		if ((idx = vh_graph_find(g, tok)) < 0) {
			rc = -1;
			break;
		}
		i = (size_t)idx;
		vh_graph_mark_ancestors(g, &i, 1, m);
	}
	free(copy);
	return rc;
}

int vh_fleet_count_between(const vh_graph *g, const char *from, const char *to)
{
	size_t n = vh_graph_count(g), i;
	unsigned char *a = calloc(n + 1, 1), *b = calloc(n + 1, 1);
	int count = -1;

	if (a && b && mark(g, from, a) == 0 && mark(g, to, b) == 0)
		for (i = 0, count = 0; i < n; i++)
			count += a[i] != b[i];
	free(a);
	free(b);
	return count;
}

/* The revisions an upgrade will run on the pending targets (from where the
 * probe found each, or from base when it did not read it), for o->prepare.
 * Only a hint: each child plans again under its lock. */
static int prepare(vh_app *app, const vh_fleet *f, const vh_fleet_opts *o)
{
	size_t count, i, j, *cur = NULL, ncur = 0, *target = NULL, ntarget = 0, *revs = NULL, n = 0;
	unsigned char *want;
	const char *schema = NULL;
	vh_plan plan = {0};
	vh_graph *g;
	int rc;

	if (!o->prepare || o->action != VH_FLEET_ACT_UPGRADE || !o->spec || !*o->spec ||
	    vh_app_graph(app, &g) < 0) {
		vh_error_clear();
		return 0;
	}
	count = vh_graph_count(g);
	want = calloc(count + 1, 1);
	revs = malloc((count + 1) * sizeof(*revs));
	if (!want || !revs) {
		free(want);
		free(revs);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < f->n; i++) {
		const vh_fleet_target *t = &f->t[i];

		if (t->outcome != VH_FLEET_PENDING)
			continue;
		if (!schema)
			schema = t->schema;
		ncur = 0;
		if (t->from && vh_fleet_map_ids(g, t->from, &cur, &ncur) < 0)
			continue; /* an unknown revision: the child says so */
		if (vh_run_resolve(g, o->spec, 0, cur, ncur, &target, &ntarget) == 0 &&
		    vh_plan_upgrade(&plan, g, cur, ncur, target, ntarget) == 0)
			for (j = 0; j < plan.n; j++)
				want[plan.steps[j].rev] = 1;
		vh_error_clear();
		vh_plan_clear(&plan);
		memset(&plan, 0, sizeof(plan));
		free(cur);
		free(target);
		cur = target = NULL;
	}
	for (i = 0; i < count; i++)
		if (want[i])
			revs[n++] = i;
	rc = n ? o->prepare(g, revs, n, schema) : 0;
	free(want);
	free(revs);
	return rc;
}

int vh_fleet_main(vh_app *app, const vh_fleet_opts *o, vh_fleet_cmd_fn fn, int argc, char **argv)
{
	vh_fleet *f = NULL;
	vh_graph *g;
	double t0 = vh_clock_ms();
	int rc;

	if ((rc = vh_fleet_load(&f, app->cfg, o->fleet)) < 0)
		return rc;
	if (o->shard_n)
		vh_fleet_shard(f, o->shard_k, o->shard_n);
	/* Once, here: every child inherits the graph instead of scanning the
	 * plugin directory and reading each plugin's metadata again. */
	if ((rc = vh_app_graph(app, &g)) < 0)
		goto done;
	if (app->conn) {
		PQfinish(app->conn);
		app->conn = NULL;
	}
	rc = vh_fleet_probe(app, f, o);
	/* No child may inherit a connection of the parent's. */
	if (f->conn) {
		PQfinish(f->conn);
		f->conn = NULL;
	}
	if (rc == 0)
		rc = prepare(app, f, o);
	if (rc < 0 || (rc = vh_fleet_run_children(app, f, o, fn, argc, argv)) < 0)
		goto done;
	rc = vh_fleet_report(app, f, o, vh_clock_ms() - t0);
done:
	vh_fleet_free(f);
	return rc;
}
