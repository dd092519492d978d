/* vh_run_common.c - what the online runner, the offline renderer and the
 * read-only commands share: the current heads, version-table statements in
 * Alembic's shape, step labels, spec resolution, and the settings each
 * revision's transaction starts with. */
#include "vh_run_int.h"

#include <pg_query.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_error.h"
#include "vh_sdk_host.h"
#include "vh_spec.h"

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

/* The settings every revision's transaction starts with (vh_run_int.h).
 * On a direct connection they are set once for the session instead
 * (vh_run__session_settings, sent by vh_run__prepare_steps): three
 * statements fewer per revision. Through a transaction pooler each
 * transaction may land on another server process, so there they stay
 * SET LOCAL in every revision's transaction, with the lease's fence. */
int vh_run__settings(run *r)
{
	const char *fence = vh_lock_fence(&r->lock);

	free(r->settings);
	r->settings = NULL;
	if (!r->lock.pooled) {
		r->settings = strdup("");
		r->nsettings = 0;
	} else if (asprintf(&r->settings,
			    "SET LOCAL search_path TO %s, public;\nSET LOCAL lock_timeout = %d;\n"
			    "SET LOCAL statement_timeout = %d%s%s",
			    r->t.schema, r->app->cfg->lock_timeout, r->app->cfg->statement_timeout,
			    *fence ? ";\n" : "", fence) < 0) {
		r->settings = NULL;
	}
	if (!r->settings)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	if (r->lock.pooled)
		r->nsettings = *fence ? 4 : 3;
	return 0;
}

char *vh_run__session_settings(const run *r)
{
	char *sql;

	if (asprintf(&sql,
		     "SET search_path TO %s, public;\nSET lock_timeout = %d;\n"
		     "SET statement_timeout = %d",
		     r->t.schema, r->app->cfg->lock_timeout, r->app->cfg->statement_timeout) < 0)
		return NULL;
	return sql;
}

int vh_run_check_range(const vh_graph *g, const char *text, const char *what, int up,
		       const size_t *older, size_t nolder, const size_t *newer, size_t nnewer)
{
	const char *o, *n;
	size_t i, j;

	for (i = 0; i < nolder; i++)
		for (j = 0; j < nnewer; j++) {
			if (older[i] == newer[j] || !vh_graph_is_ancestor(g, newer[j], older[i]))
				continue;
			o = vh_graph_rev(g, newer[j])->id;
			n = vh_graph_rev(g, older[i])->id;
			return vh_error_set(VH_ERR_USAGE,
					    "the range '%s' is reversed: %s is older than %s (%s goes "
					    "from the %s revision to the %s: %s:%s)",
					    text, o, n, what, up ? "older" : "newer",
					    up ? "newer" : "older", up ? o : n, up ? n : o);
		}
	return 0;
}

/* Statements in `sql` as the server splits a simple query, by PostgreSQL's
 * own grammar (libpg_query), or its scanner when the grammar refuses the
 * text; -1 when neither can tell. Only a failure needs it: the runner
 * counts results to find the statement to blame (vh_ctx_set_deferred). */
int vh_run__count_statements(const char *sql)
{
	PgQuerySplitResult sp = pg_query_split_with_parser(sql);
	int n = sp.error ? -1 : sp.n_stmts;

	pg_query_free_split_result(sp);
	if (n < 0) {
		sp = pg_query_split_with_scanner(sql);
		n = sp.error ? -1 : sp.n_stmts;
		pg_query_free_split_result(sp);
	}
	return n;
}
