/* cmd_history.c - `vhost history`: the revision chain newest first, in
 * Alembic's format; or what actually ran (--applied, from the history
 * table). Listing reads plugin metadata only and never runs plugin code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_cmd.h"
#include "vh_db.h"
#include "vh_error.h"
#include "vh_format.h"
#include "vh_json.h"
#include "vh_run.h"
#include "vh_spec.h"
#include "vh_tables.h"

enum { O_RANGE = 1, O_VERBOSE, O_CURRENT, O_APPLIED, O_JSON, O_FORMAT };

typedef struct hopts {
	const char *range;
	int verbose, current, applied, json, markdown;
} hopts;

/* Resolves one side of -r START:END. `current` is only read when used. */
static int resolve_side(vh_app *app, const vh_graph *g, const vh_spec *s, size_t **out, size_t *n,
			int is_end)
{
	char **ids = NULL;
	size_t *cur = NULL, ncur = 0;
	int rc;

	*out = malloc((vh_graph_count(g) + 1) * sizeof(size_t));
	if (!*out)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	*n = 0;
	if (s->kind == VH_SPEC_NONE) {
		/* Open ends: everything up to the heads, or from base. */
		if (is_end) {
			const size_t *h = vh_graph_heads(g, n);

			memcpy(*out, h, *n * sizeof(size_t));
		}
		return 0;
	}
	if (s->kind == VH_SPEC_CURRENT && (rc = vh_run_read_current(app, &ids, &cur, &ncur)) < 0)
		return rc;
	rc = vh_spec_resolve(g, s, cur, ncur, *out, n);
	vh_strv_free(ids);
	free(cur);
	return rc;
}

/* Marks the revisions in START:END: ancestors of END that descend from (or
 * are) START. */
static int select_range(vh_app *app, const vh_graph *g, const char *range, unsigned char *sel)
{
	size_t count = vh_graph_count(g), *from = NULL, *to = NULL, nfrom, nto, i, j;
	unsigned char *below = NULL;
	vh_spec sf, st;
	int rc, is_range = 0;

	if (!range) {
		memset(sel, 1, count);
		return 0;
	}
	if ((rc = vh_spec_parse(range, VH_SPEC_ALLOW_RANGE | VH_SPEC_ALLOW_CURRENT, &sf, &st,
				&is_range)) < 0)
		return rc;
	if (!is_range)
		return vh_error_set(VH_ERR_USAGE, "history: -r takes a range START:END, e.g. -r base:head "
				    "or -r -3:current");
	if ((rc = resolve_side(app, g, &sf, &from, &nfrom, 0)) < 0 ||
	    (rc = resolve_side(app, g, &st, &to, &nto, 1)) < 0 ||
	    (rc = vh_run_check_range(g, range, "a history range", 1, from, nfrom, to, nto)) < 0)
		goto done;
	vh_graph_mark_ancestors(g, to, nto, sel);
	if (nfrom) {
		/* Drop everything that is not START or a descendant of it. */
		if (!(below = calloc(count + 1, 1))) {
			rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
			goto done;
		}
		for (i = 0; i < count; i++) {
			int keep = 0;

			for (j = 0; j < nfrom && !keep; j++)
				keep = vh_graph_is_ancestor(g, from[j], i);
			if (!keep)
				sel[i] = 0;
		}
	}
done:
	free(below);
	free(from);
	free(to);
	return rc;
}

/* --applied: the history table, oldest first. */
static int print_applied(vh_app *app, const hopts *o)
{
	vh_tables t;
	PGconn *conn;
	PGresult *res;
	char *sql;
	int rc, i;

	if ((rc = vh_app_conn(app, &conn)) < 0 || (rc = vh_tables_init(&t, app->cfg)) < 0)
		return rc;
	/* JSON comes from the server: every column with its own type (numbers,
	 * booleans, null), so a column added later shows up by itself. */
	if (o->json)
		rc = asprintf(&sql, "SELECT coalesce(json_agg(h ORDER BY h.id), '[]')::text FROM %s h",
			      t.ht);
	else
		rc = asprintf(&sql,
			      "SELECT to_char(started_at, 'YYYY-MM-DD HH24:MI:SS TZ'), direction, "
			      "revision, outcome, coalesce(round(duration_ms::numeric, 1)::text, ''), "
			      "db_user, coalesce(client_host, ''), coalesce(client_addr, 'local'), "
			      "coalesce(plugin_sha256, ''), coalesce(error, ''), coalesce(message, ''), "
			      /* through to_jsonb: a table from before these columns reads "" */
			      "coalesce(to_jsonb(h)->>'tag', ''), coalesce(to_jsonb(h)->>'x_args', '') "
			      "FROM %s h ORDER BY id",
			      t.ht);
	if (rc < 0) {
		vh_tables_clear(&t);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	if (!(rc = vh_db_query(&res, conn, "reading the history table", "SELECT to_regclass($1) IS NULL",
			       1, (const char *const[]){t.ht}))) {
		int missing = strcmp(PQgetvalue(res, 0, 0), "t") == 0;

		PQclear(res);
		if (missing) {
			vh_app_info(app, "No history yet: %s does not exist.", t.ht_display);
			if (o->json)
				printf("[]\n");
			goto done;
		}
		rc = vh_db_query(&res, conn, "reading the history table", sql, 0, NULL);
	}
	if (rc < 0)
		goto done;
	if (o->json) {
		printf("%s\n", PQgetvalue(res, 0, 0));
	} else {
		for (i = 0; i < PQntuples(res); i++) {
			printf("%s  %-9s %-12s %-11s %7s ms  %s@%s", PQgetvalue(res, i, 0),
			       PQgetvalue(res, i, 1), PQgetvalue(res, i, 2), PQgetvalue(res, i, 3),
			       PQgetvalue(res, i, 4), PQgetvalue(res, i, 5),
			       *PQgetvalue(res, i, 6) ? PQgetvalue(res, i, 6) : PQgetvalue(res, i, 7));
			if (*PQgetvalue(res, i, 11))
				printf("  tag:%s", PQgetvalue(res, i, 11));
			if (*PQgetvalue(res, i, 12))
				printf("  -x %s", PQgetvalue(res, i, 12));
			if (o->verbose && *PQgetvalue(res, i, 8))
				printf("  sha256:%.12s", PQgetvalue(res, i, 8));
			if (*PQgetvalue(res, i, 9))
				printf("\n    error: %s", PQgetvalue(res, i, 9));
			putchar('\n');
		}
	}
	PQclear(res);
done:
	free(sql);
	vh_tables_clear(&t);
	return rc;
}

static void print_markdown(const vh_graph *g, const unsigned char *sel)
{
	const size_t *order = vh_graph_order(g);
	size_t i, count = vh_graph_count(g);
	char down[1024];

	printf("# Revision history\n\n");
	for (i = 0; i < count; i++) {
		const vh_revision *r = vh_graph_rev(g, order[i]);

		if (!sel[order[i]])
			continue;
		vh_format_down(g, order[i], down, sizeof(down));
		printf("- **`%s`** (parent: `%s`): %s\n", r->id, down, r->message);
		if (r->description) {
			const char *p = r->description, *nl;

			printf("\n");
			while (p && *p) {
				nl = strchr(p, '\n');
				printf("  %.*s\n", (int)(nl ? nl - p : (long)strlen(p)), p);
				p = nl ? nl + 1 : NULL;
			}
			printf("\n");
		}
	}
}

static void print_json(const vh_graph *g, const unsigned char *sel, const unsigned char *cur)
{
	const size_t *order = vh_graph_order(g);
	size_t i, count = vh_graph_count(g), nch, k = 0;

	printf("[");
	for (i = count; i-- > 0;) {
		const vh_revision *r = vh_graph_rev(g, order[i]);

		if (!sel[order[i]])
			continue;
		vh_graph_children(g, order[i], &nch);
		printf("%s{\"revision\": ", k++ ? ",\n " : "");
		vh_json_str(stdout, r->id);
		printf(", \"down_revision\": ");
		vh_json_str(stdout, r->down_revision);
		printf(", \"message\": ");
		vh_json_str(stdout, r->message);
		printf(", \"path\": ");
		vh_json_str(stdout, r->path);
		printf(", \"description\": ");
		vh_json_str(stdout, r->description);
		printf(", \"head\": %s", nch == 0 ? "true" : "false");
		/* only with -i: without it, vhost does not know */
		if (cur)
			printf(", \"current\": %s", cur[order[i]] ? "true" : "false");
		printf(", \"nontransactional\": %s}",
		       r->flags & VH_REV_NONTRANSACTIONAL ? "true" : "false");
	}
	printf("]\n");
}

int vh_cmd_history(vh_app *app, int argc, char **argv)
{
	static const vh_opt opts[] = {
		{"rev-range", 'r', 1, O_RANGE},
		{"verbose", 'v', 0, O_VERBOSE},
		{"indicate-current", 'i', 0, O_CURRENT},
		{"applied", 0, 0, O_APPLIED},
		{"json", 0, 0, O_JSON},
		{"format", 0, 1, O_FORMAT},
		{NULL, 0, 0, 0},
	};
	hopts o = {0};
	const char *val;
	int pos = 1, id, rc;
	vh_graph *g;
	unsigned char *sel = NULL, *cur = NULL;
	size_t count, i, *curidx = NULL, ncur = 0;
	const size_t *order;
	char **ids = NULL;

	o.verbose = app->verbose;
	while ((id = vh_cmd_next(argc, argv, &pos, opts, &val)) != -1) {
		switch (id) {
		case O_RANGE: o.range = val; break;
		case O_VERBOSE: o.verbose = 1; break;
		case O_CURRENT: o.current = 1; break;
		case O_APPLIED: o.applied = 1; break;
		case O_JSON: o.json = 1; break;
		case O_FORMAT:
			if (strcmp(val, "markdown") != 0 && strcmp(val, "text") != 0 &&
			    strcmp(val, "json") != 0)
				return vh_error_set(VH_ERR_USAGE, "history: unknown --format '%s' (text, "
						    "markdown or json)", val);
			o.markdown = strcmp(val, "markdown") == 0;
			o.json = o.json || strcmp(val, "json") == 0; /* a spelling of --json */
			break;
		case 0: return vh_error_set(VH_ERR_USAGE, "history: unexpected argument '%s' (use -r START:END)", val);
		default: return id;
		}
	}
	if (o.applied)
		return print_applied(app, &o);
	if ((rc = vh_app_graph(app, &g)) < 0)
		return rc;
	count = vh_graph_count(g);
	if (!(sel = calloc(count + 1, 1)) || !(cur = calloc(count + 1, 1))) {
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((rc = select_range(app, g, o.range, sel)) < 0)
		goto done;
	if (o.current) {
		if ((rc = vh_run_read_current(app, &ids, &curidx, &ncur)) < 0)
			goto done;
		for (i = 0; i < ncur; i++)
			cur[curidx[i]] = 1;
	}
	if (o.markdown) {
		print_markdown(g, sel);
		goto done;
	}
	if (o.json) {
		print_json(g, sel, o.current ? cur : NULL);
		goto done;
	}
	order = vh_graph_order(g);
	for (i = count; i-- > 0;) {
		if (!sel[order[i]])
			continue;
		if (o.verbose)
			vh_format_entry(stdout, g, order[i], cur[order[i]]);
		else
			vh_format_line(stdout, g, order[i], cur[order[i]], 1, 1);
	}
done:
	vh_strv_free(ids);
	free(curidx);
	free(sel);
	free(cur);
	return rc;
}
