/* cmd_current.c - `vhost current`: the revision(s) the database is at.
 *
 * It needs only the current revisions' metadata and whether each is a head,
 * so it asks the plugin index first (vh_loader_quick: the directory listed,
 * the current plugins stat()ed) and builds the whole graph only when the
 * index cannot answer, or for --check-heads, a gate that must see every
 * file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_cmd.h"
#include "vh_db.h"
#include "vh_error.h"
#include "vh_json.h"
#include "vh_loader.h"
#include "vh_run.h"
#include "vh_tables.h"

enum { O_VERBOSE = 1, O_JSON, O_CHECK_HEADS };

static int is_head(const vh_graph *g, size_t idx)
{
	size_t n;

	vh_graph_children(g, idx, &n);
	return n == 0;
}

static void print_json(const vh_app *app, const vh_revision *const *cur, const int *head,
		       size_t n, int at_heads)
{
	char *target = vh_db_describe(app->conn);
	size_t i;

	printf("{\"schema\": ");
	vh_json_str(stdout, app->cfg->schema);
	printf(", \"database\": ");
	vh_json_str(stdout, target);
	printf(", \"current\": [");
	for (i = 0; i < n; i++) {
		const vh_revision *r = cur[i];

		printf("%s{\"revision\": ", i ? ", " : "");
		vh_json_str(stdout, r->id);
		printf(", \"head\": %s, \"down_revision\": ", head[i] ? "true" : "false");
		vh_json_str(stdout, r->down_revision);
		printf(", \"message\": ");
		vh_json_str(stdout, r->message);
		printf(", \"path\": ");
		vh_json_str(stdout, r->path);
		printf("}");
	}
	printf("], \"at_heads\": %s}\n", at_heads ? "true" : "false");
	free(target);
}

/* Alembic's `current -v` layout, password masked in the header. */
static void print_verbose(const vh_app *app, const vh_revision *const *cur, const int *head,
			  size_t n)
{
	char *target = vh_db_describe(app->conn);
	size_t i;

	printf("Current revision(s) for %s (schema %s):\n",
	       target && *target ? target : "the default database", app->cfg->schema);
	for (i = 0; i < n; i++) {
		const vh_revision *r = cur[i];

		printf("Rev: %s%s\nParent: %s\nPath: %s\n\n    %s\n\n", r->id,
		       head[i] ? " (head)" : "", r->down_revision ? r->down_revision : "<base>",
		       r->path, r->message);
	}
	free(target);
}

/* The version table's ids into *ids (*n of them). */
static int read_ids(vh_app *app, char ***ids, size_t *n)
{
	vh_tables t;
	PGconn *conn;
	int rc;

	if ((rc = vh_app_conn(app, &conn)) < 0 || (rc = vh_tables_init(&t, app->cfg)) < 0)
		return rc;
	rc = vh_tables_read_versions(conn, &t, ids, n);
	vh_tables_clear(&t);
	return rc;
}

/* The current revisions and whether each is a head, through the graph. */
static int from_graph(vh_app *app, char **ids, size_t n, const vh_revision **cur, int *head,
		      size_t *nheads)
{
	size_t *idx = NULL, i;
	vh_graph *g;
	int rc;

	if ((rc = vh_app_graph(app, &g)) < 0 || (rc = vh_run_map_versions(g, ids, n, &idx)) < 0)
		return rc;
	for (i = 0; i < n; i++) {
		cur[i] = vh_graph_rev(g, idx[i]);
		head[i] = is_head(g, idx[i]);
	}
	vh_graph_heads(g, nheads);
	free(idx);
	return 0;
}

/* Prints a "drift:" line when an applied revision's plugin is not the file
 * that was run. Reported, not fatal: `check` is the command that fails on
 * it. */
static int report_drift(vh_app *app, char **ids, size_t n)
{
	size_t *idx = NULL;
	vh_graph *g;
	int rc;

	if ((rc = vh_app_graph(app, &g)) < 0 || (rc = vh_run_map_versions(g, ids, n, &idx)) < 0)
		return rc;
	if (vh_run_check_drift(app, idx, n) < 0) {
		printf("drift: %s\n", vh_error_last());
		vh_error_clear();
	}
	free(idx);
	return 0;
}

int vh_cmd_current(vh_app *app, int argc, char **argv)
{
	static const vh_opt opts[] = {
		{"verbose", 'v', 0, O_VERBOSE},
		{"json", 0, 0, O_JSON},
		{"check-heads", 0, 0, O_CHECK_HEADS},
		{NULL, 0, 0, 0},
	};
	int pos = 1, id, verbose = app->verbose, json = 0, check = 0, rc, at_heads = 1, quick = 0;
	const char *val;
	char **ids = NULL;
	const vh_revision **cur = NULL;
	vh_revision *own = NULL;
	int *head = NULL;
	size_t n = 0, i, nheads = 0;

	while ((id = vh_cmd_next(argc, argv, &pos, opts, &val)) != -1) {
		if (id == O_VERBOSE)
			verbose = 1;
		else if (id == O_JSON)
			json = 1;
		else if (id == O_CHECK_HEADS)
			check = 1;
		else if (id == 0)
			return vh_error_set(VH_ERR_USAGE, "current: unexpected argument '%s'", val);
		else
			return id;
	}
	if ((rc = read_ids(app, &ids, &n)) < 0)
		goto done;
	cur = calloc(n + 1, sizeof(*cur));
	head = calloc(n + 1, sizeof(*head));
	own = calloc(n + 1, sizeof(*own));
	if (!cur || !head || !own) {
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	/* -v reports drift, which needs every applied plugin: the whole scan. */
	if (!check && !verbose && n > 0 &&
	    (quick = rc = vh_loader_quick(app->cfg->plugin_dir, app->cfg->insecure_plugins, ids, n,
					  own, head, &nheads)) < 0)
		goto done;
	if (quick)
		for (i = 0; i < n; i++)
			cur[i] = &own[i];
	else if ((rc = from_graph(app, ids, n, cur, head, &nheads)) < 0)
		goto done;
	rc = 0;
	for (i = 0; i < n; i++)
		at_heads &= head[i];
	at_heads = at_heads && n == nheads;
	if (json)
		print_json(app, cur, head, n, at_heads);
	else if (verbose)
		print_verbose(app, cur, head, n);
	else
		for (i = 0; i < n; i++)
			printf("%s%s\n", cur[i]->id, head[i] ? " (head)" : "");
	if (verbose && !json && (rc = report_drift(app, ids, n)) < 0)
		goto done;
	if (check && !at_heads)
		rc = vh_error_set(VH_ERR_GENERIC, "the database is not at the head revision(s) (%zu head%s, "
				  "%zu current)", nheads, nheads == 1 ? "" : "s", n);
done:
	if (own && quick > 0)
		for (i = 0; i < n; i++)
			vh_revision_clear(&own[i]);
	free(own);
	free(cur);
	free(head);
	vh_strv_free(ids);
	return rc;
}
