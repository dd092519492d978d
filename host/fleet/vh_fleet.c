/* vh_fleet.c - one command over a fleet, from start to report: load the
 * targets, take this machine's shard, scan the plugins once, probe the
 * shared databases, run the rest in children, print the table. */
#include "vh_fleet.h"

#include <stdlib.h>
#include <string.h>

#include "vh_clock.h"
#include "vh_conninfo.h"
#include "vh_error.h"

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
	if (rc < 0 || (rc = vh_fleet_run_children(app, f, o, fn, argc, argv)) < 0)
		goto done;
	rc = vh_fleet_report(app, f, o, vh_clock_ms() - t0);
done:
	vh_fleet_free(f);
	return rc;
}
