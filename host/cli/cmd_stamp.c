/* cmd_stamp.c - `vhost stamp SPEC`: set the version table without running
 * any revision, e.g. to adopt a database whose schema was made by hand, or
 * to resolve an interrupted non-transactional revision. Recorded in the
 * history table like every other change. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_cmd.h"
#include "vh_db.h"
#include "vh_error.h"
#include "vh_lock.h"
#include "vh_run.h"
#include "vh_sdk_host.h"
#include "vh_spec.h"
#include "vh_workflow.h"

enum { O_PURGE = 1, O_SQL, O_YES, O_TAG };

static int in_set(const size_t *set, size_t n, size_t x)
{
	while (n--)
		if (set[n] == x)
			return 1;
	return 0;
}

/* Appends "<piece>;\n" to the memstream. */
static void emit(FILE *out, const char *piece)
{
	fprintf(out, "%s;\n", piece);
}

/* Builds the statements that turn rows `old` into heads `new` (and history
 * rows unless offline), Alembic's way: one UPDATE for a linear move, else
 * DELETE the rows that go and INSERT the ones that come. */
static int build_sql(FILE *out, const vh_tables *t, const vh_graph *g,
		     const size_t *old, size_t nold, const size_t *new, size_t nnew, int purge,
		     int offline)
{
	vh_vt_action a;
	size_t i;
	char *sql;

	if (purge) {
		if (asprintf(&sql, "DELETE FROM %s", t->vt) < 0)
			return vh_error_set(VH_ERR_NOMEM, "out of memory");
		emit(out, sql);
		free(sql);
		nold = 0;
	}
	if (nold == 1 && nnew == 1 && old[0] != new[0]) {
		a.kind = VH_VT_UPDATE;
		a.from = old[0];
		a.to = new[0];
		if (!(sql = vh_run_action_sql(t, g, &a, 0)))
			return vh_error_set(VH_ERR_NOMEM, "out of memory");
		emit(out, sql);
		free(sql);
	} else {
		for (i = 0; i < nold; i++) {
			if (in_set(new, nnew, old[i]))
				continue;
			a.kind = VH_VT_DELETE;
			a.from = old[i];
			if (!(sql = vh_run_action_sql(t, g, &a, 0)))
				return vh_error_set(VH_ERR_NOMEM, "out of memory");
			emit(out, sql);
			free(sql);
		}
		for (i = 0; i < nnew; i++) {
			if (in_set(old, nold, new[i]))
				continue;
			a.kind = VH_VT_INSERT;
			a.to = new[i];
			if (!(sql = vh_run_action_sql(t, g, &a, 0)))
				return vh_error_set(VH_ERR_NOMEM, "out of memory");
			emit(out, sql);
			free(sql);
		}
	}
	if (offline)
		return 0;
	/* `stamp base` is a change too (when there was something to empty):
	 * recorded as revision "base", with what the table held in its message. */
	if (nnew == 0 && (nold > 0 || purge)) {
		vh_history_row row = {0};
		char *was = NULL, *next;

		for (i = 0; i < nold; i++) {
			if (asprintf(&next, "%s%s%s", was ? was : "", was ? ", " : "",
				     vh_graph_rev(g, old[i])->id) < 0)
				next = NULL;
			free(was);
			if (!(was = next))
				return vh_error_set(VH_ERR_NOMEM, "out of memory");
		}
		if (asprintf(&next, "the version table emptied%s%s%s", was ? " (it held " : "",
			     was ? was : "", was ? ")" : "") < 0)
			next = NULL;
		free(was);
		row.revision = "base";
		row.direction = "stamp";
		row.outcome = "stamped";
		row.message = next;
		row.duration_ms = -1;
		sql = next ? vh_history_insert_sql(t, &row) : NULL;
		free(next);
		if (!sql)
			return vh_error_set(VH_ERR_NOMEM, "out of memory");
		emit(out, sql);
		free(sql);
	}
	for (i = 0; i < nnew; i++) {
		const vh_revision *r = vh_graph_rev(g, new[i]);
		vh_history_row row = {0};

		row.revision = r->id;
		row.down_revision = r->down_revision;
		row.direction = "stamp";
		row.outcome = "stamped";
		row.message = r->message;
		row.plugin_file = r->path;
		row.duration_ms = -1;
		if (!(sql = vh_history_insert_sql(t, &row)))
			return vh_error_set(VH_ERR_NOMEM, "out of memory");
		emit(out, sql);
		free(sql);
	}
	/* A stamp is the operator's word on what the schema holds: it settles
	 * any interrupted non-transactional revision. */
	if (asprintf(&sql, "UPDATE %s SET attention = false WHERE attention", t->ht) < 0)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	emit(out, sql);
	free(sql);
	return 0;
}

int vh_cmd_stamp(vh_app *app, int argc, char **argv)
{
	static const vh_opt opts[] = {
		{"purge", 0, 0, O_PURGE},
		{"sql", 0, 0, O_SQL},
		{"yes", 'y', 0, O_YES},
		{"tag", 0, 1, O_TAG},
		{NULL, 0, 0, 0},
	};
	const char *val, *spec_text = NULL, *tag = NULL;
	int pos = 1, id, purge = 0, offline = 0, rc, lrc, is_range = 0, yes = 0;
	vh_lock lock = {0};
	char **ids = NULL, *script = NULL;
	size_t *old = NULL, nold = 0, *new = NULL, nnew = 0, len = 0;
	vh_tables t = {0};
	vh_graph *g;
	vh_spec spec;
	PGconn *conn = NULL;
	FILE *out = NULL;

	while ((id = vh_cmd_next(argc, argv, &pos, opts, &val)) != -1) {
		if (id == 0 && !spec_text)
			spec_text = val;
		else if (id == 0)
			return vh_error_set(VH_ERR_USAGE, "stamp: one revision spec expected");
		else if (id == O_PURGE)
			purge = 1;
		else if (id == O_SQL)
			offline = 1;
		else if (id == O_YES)
			yes = 1;
		else if (id == O_TAG)
			tag = val;
		else
			return id;
	}
	if (!spec_text)
		return vh_error_set(VH_ERR_USAGE, "stamp: a revision spec is required (see 'vhost stamp --help')");
	if ((rc = vh_spec_parse(spec_text, 0, NULL, &spec, &is_range)) < 0)
		return rc;
	if ((rc = vh_app_graph(app, &g)) < 0 || (rc = vh_tables_init(&t, app->cfg)) < 0 ||
	    (rc = vh_tables_set_run(&t, tag, app->xargs, app->nxargs)) < 0)
		return rc;
	if (!(new = malloc((vh_graph_count(g) + 1) * sizeof(size_t)))) {
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	if (!offline) {
		if ((rc = vh_app_conn(app, &conn)) < 0 ||
		    (rc = vh_lock_take(&lock, app, conn, &t, 0)) < 0)
			goto done;
		/* Tables are created only once the stamp is known to be valid
		 * (below): a bad spec leaves a new database untouched. */
		if ((rc = vh_tables_read_versions(conn, &t, &ids, &nold)) < 0)
			goto done;
		/* --purge also clears rows no plugin knows, the usual reason to use it. */
		if (purge)
			nold = 0;
		if ((rc = vh_run_map_versions(g, ids, nold, &old)) < 0)
			goto done;
	}
	if ((rc = vh_spec_resolve(g, &spec, old, nold, new, &nnew)) < 0)
		goto done;
	nnew = vh_plan_reduce_heads(g, new, nnew);
	if (!(out = open_memstream(&script, &len))) {
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((rc = build_sql(out, &t, g, old, nold, new, nnew, purge, offline)) < 0)
		goto done;
	fclose(out);
	out = NULL;
	if (offline) {
		printf("BEGIN;\n\n%s\nCOMMIT;\n", script);
		goto done;
	}
	{
		char *tx, what[512];

		/* An environment with confirm = true asks first (vh_workflow.c). */
		snprintf(what, sizeof(what), "stamp %s in database \"%s\" on %s:%s at %s%s%s",
			 app->cfg->schema, PQdb(conn), PQhost(conn), PQport(conn),
			 nnew ? vh_graph_rev(g, new[0])->id : "<base>", nnew > 1 ? " and other heads" : "",
			 purge ? " (--purge)" : "");
		if ((rc = vh_workflow_confirm(app, what, yes)) < 0 ||
		    (rc = vh_tables_ensure(conn, &t)) < 0)
			goto done;

		/* The lease's fence through a transaction pooler (vh_lock.h). */
		if (asprintf(&tx, "BEGIN;\n%s%s%sCOMMIT;", vh_lock_fence(&lock),
			     *vh_lock_fence(&lock) ? ";\n" : "", script) < 0) {
			rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
			goto done;
		}
		rc = vh_db_exec(conn, "stamping the version table", tx);
		free(tx);
		if (rc < 0) {
			PQclear(PQexec(conn, "ROLLBACK"));
			goto done;
		}
	}
	vh_app_info(app, "Stamped %s at %s%s.", app->cfg->schema, nnew ? "" : "<base>",
		    nnew ? vh_graph_rev(g, new[0])->id : "");
done:
	if (out)
		fclose(out);
	if (conn && (lrc = vh_lock_release(&lock, conn)) < 0 && rc == 0)
		rc = lrc;
	free(script);
	vh_strv_free(ids);
	free(old);
	free(new);
	vh_tables_clear(&t);
	return rc;
}
