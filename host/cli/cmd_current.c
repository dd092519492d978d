/* cmd_current.c - `vhost current`: the revision(s) the database is at. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_cmd.h"
#include "vh_db.h"
#include "vh_error.h"
#include "vh_json.h"
#include "vh_run.h"

enum { O_VERBOSE = 1, O_JSON, O_CHECK_HEADS };

static int is_head(const vh_graph *g, size_t idx)
{
	size_t n;

	vh_graph_children(g, idx, &n);
	return n == 0;
}

static void print_json(const vh_app *app, const vh_graph *g, const size_t *cur, size_t n,
		       int at_heads)
{
	char *target = vh_db_describe(app->conn);
	size_t i;

	printf("{\"schema\": ");
	vh_json_str(stdout, app->cfg->schema);
	printf(", \"database\": ");
	vh_json_str(stdout, target);
	printf(", \"current\": [");
	for (i = 0; i < n; i++) {
		const vh_revision *r = vh_graph_rev(g, cur[i]);

		printf("%s{\"revision\": ", i ? ", " : "");
		vh_json_str(stdout, r->id);
		printf(", \"head\": %s, \"down_revision\": ", is_head(g, cur[i]) ? "true" : "false");
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
static void print_verbose(const vh_app *app, const vh_graph *g, const size_t *cur, size_t n)
{
	char *target = vh_db_describe(app->conn);
	size_t i;

	printf("Current revision(s) for %s (schema %s):\n",
	       target && *target ? target : "the default database", app->cfg->schema);
	for (i = 0; i < n; i++) {
		const vh_revision *r = vh_graph_rev(g, cur[i]);

		printf("Rev: %s%s\nParent: %s\nPath: %s\n\n    %s\n\n", r->id,
		       is_head(g, cur[i]) ? " (head)" : "", r->down_revision ? r->down_revision : "<base>",
		       r->path, r->message);
	}
	free(target);
}

int vh_cmd_current(vh_app *app, int argc, char **argv)
{
	static const vh_opt opts[] = {
		{"verbose", 'v', 0, O_VERBOSE},
		{"json", 0, 0, O_JSON},
		{"check-heads", 0, 0, O_CHECK_HEADS},
		{NULL, 0, 0, 0},
	};
	int pos = 1, id, verbose = app->verbose, json = 0, check = 0, rc, at_heads = 1;
	const char *val;
	char **ids = NULL;
	size_t *cur = NULL, n = 0, i, nheads;
	vh_graph *g;

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
	if ((rc = vh_run_read_current(app, &ids, &cur, &n)) < 0)
		goto done;
	vh_app_graph(app, &g);
	vh_graph_heads(g, &nheads);
	for (i = 0; i < n; i++)
		at_heads &= is_head(g, cur[i]);
	at_heads = at_heads && n == nheads;
	if (json)
		print_json(app, g, cur, n, at_heads);
	else if (verbose)
		print_verbose(app, g, cur, n);
	else
		for (i = 0; i < n; i++)
			printf("%s%s\n", vh_graph_rev(g, cur[i])->id, is_head(g, cur[i]) ? " (head)" : "");
	/* Reported, not fatal: `check` is the command that fails on it. */
	if (verbose && !json && vh_run_check_drift(app, cur, n) < 0) {
		printf("drift: %s\n", vh_error_last());
		vh_error_clear();
	}
	if (check && !at_heads)
		rc = vh_error_set(VH_ERR_GENERIC, "the database is not at the head revision(s) (%zu head%s, "
				  "%zu current)", nheads, nheads == 1 ? "" : "s", n);
done:
	vh_strv_free(ids);
	free(cur);
	return rc;
}
