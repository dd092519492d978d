/* vh_fleet_probe.c - the fast path of a fleet with little or nothing to do:
 * where several targets share a database (a schema per tenant), one
 * connection and one query read every target's version table, and the
 * targets already where the command would take them never get a child or
 * a connection of their own. A thousand tenants at head cost one round
 * trip, not a thousand connections. */
#include "vh_fleet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_conninfo.h"
#include "vh_db.h"
#include "vh_error.h"
#include "vh_plan.h"
#include "vh_run.h"

/* Every target's version rows in one statement: query_to_xml runs a query
 * built per schema (plain SQL has no other dynamic FROM), and a schema
 * without the table reads as base, as the runner reads it. */
static const char probe_sql[] =
	"SELECT u.i, CASE WHEN to_regclass(format('%I.%I', u.s, $2::text)) IS NULL THEN '' "
	"ELSE array_to_string(xpath('/table/row/v/text()', query_to_xml(format("
	"'SELECT version_num AS v FROM %I.%I ORDER BY version_num COLLATE \"C\"', u.s, $2::text), "
	"false, false, ''))::text[], ' ') END "
	"FROM unnest($1::text[]) WITH ORDINALITY AS u(s, i)";

/* The target schemas as a text[] literal, each element quoted: {"a","b"}.
 * Caller frees; NULL when out of memory. */
static char *schema_array(const vh_fleet *f, const size_t *idx, size_t n)
{
	size_t need = 3, i;
	char *buf, *o;
	const char *s;

	for (i = 0; i < n; i++)
		need += strlen(f->t[idx[i]].vschema) * 2 + 3;
	if (!(o = buf = malloc(need)))
		return NULL;
	*o++ = '{';
	for (i = 0; i < n; i++) {
		if (i)
			*o++ = ',';
		*o++ = '"';
		for (s = f->t[idx[i]].vschema; *s; s++) {
			if (*s == '"' || *s == '\\')
				*o++ = '\\';
			*o++ = *s;
		}
		*o++ = '"';
	}
	*o++ = '}';
	*o = '\0';
	return buf;
}

int vh_fleet_map_ids(const vh_graph *g, const char *text, size_t **out, size_t *n)
{
	char *copy = strdup(text), *tok, *save = NULL;
	long idx;

	*n = 0;
	*out = malloc((strlen(text) / 2 + 1) * sizeof(size_t));
	if (!copy || !*out) {
		free(copy);
		free(*out);
		*out = NULL;
		return -1;
	}
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if ((idx = vh_graph_find(g, tok)) < 0) {
			free(copy);
			free(*out);
			*out = NULL;
			return -1;
		}
		(*out)[(*n)++] = (size_t)idx;
	}
	free(copy);
	return 0;
}

/* 1 when the command has nothing to do for a target at `cur`, 0 when it
 * has (or cannot tell: the child will, and report it). */
static int nothing_to_do(const vh_graph *g, const vh_fleet_opts *o, const size_t *cur, size_t n)
{
	size_t *target = NULL, nt = 0, i, j;
	vh_plan plan = {0};
	int none = 0, found;

	if (vh_run_resolve(g, o->spec, 0, cur, n, &target, &nt) < 0) {
		vh_error_clear();
		return 0;
	}
	if (o->action == VH_FLEET_ACT_STAMP) {
		none = nt == n;
		for (i = 0; i < nt && none; i++) {
			for (j = 0, found = 0; j < n; j++)
				found |= cur[j] == target[i];
			none = found;
		}
	} else if ((o->action == VH_FLEET_ACT_UPGRADE
			    ? vh_plan_upgrade(&plan, g, cur, n, target, nt)
			    : vh_plan_downgrade(&plan, g, cur, n, target, nt)) == 0) {
		none = plan.n == 0;
	} else {
		vh_error_clear();
	}
	vh_plan_clear(&plan);
	free(target);
	return none;
}

/* Reads the version tables of the targets of `group` (listed in idx) and
 * settles those that need nothing. Errors leave them to the children. */
static int probe_group(vh_app *app, vh_fleet *f, const vh_fleet_opts *o, const size_t *idx,
		       size_t n)
{
	vh_config tmp = *app->cfg;
	const vh_fleet_target *first = &f->t[idx[0]];
	char *arr = schema_array(f, idx, n);
	size_t i;
	PGconn *conn = NULL;
	PGresult *res = NULL;
	vh_graph *g;
	int rc;

	if ((rc = vh_app_graph(app, &g)) < 0 || (rc = vh_conninfo_init(&tmp.conn)) < 0) {
		free(arr);
		return rc;
	}
	if (!arr) {
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	/* A schemas_query fleet has one database, and its connection open. */
	if (f->conn && PQstatus(f->conn) == CONNECTION_OK) {
		conn = f->conn;
		f->conn = NULL;
	} else if ((first->dsn && vh_conninfo_set_dsn(&tmp.conn, first->dsn, "fleet") < 0) ||
		   vh_db_connect(&conn, first->dsn ? &tmp : app->cfg) < 0) {
		goto done;
	}
	{
		const char *params[2] = {arr, app->cfg->version_table};

		if (vh_db_query(&res, conn, "reading the fleet's version tables", probe_sql, 2,
				params) < 0)
			goto done;
	}
	for (i = 0; i < (size_t)PQntuples(res); i++) {
		long k = strtol(PQgetvalue(res, (int)i, 0), NULL, 10) - 1;
		vh_fleet_target *t;
		size_t *cur = NULL, ncur;

		if (k < 0 || (size_t)k >= n)
			continue;
		t = &f->t[idx[k]];
		free(t->from);
		if (!(t->from = strdup(PQgetvalue(res, (int)i, 1))))
			break;
		if (o->action == VH_FLEET_ACT_CURRENT) {
			t->outcome = VH_FLEET_OK;
		} else if (o->spec && vh_fleet_map_ids(g, t->from, &cur, &ncur) == 0) {
			if (nothing_to_do(g, o, cur, ncur))
				t->outcome = VH_FLEET_NOTHING;
		}
		free(cur);
		if (t->outcome != VH_FLEET_PENDING) {
			t->ran = 0;
			t->to = strdup(t->from);
		}
	}
done:
	/* A failed probe is no failure: every target goes to a child, which
	 * connects on its own and reports its error as its row. */
	vh_error_clear();
	PQclear(res);
	if (conn)
		PQfinish(conn);
	vh_conninfo_clear(&tmp.conn);
	free(arr);
	return rc == VH_ERR_NOMEM ? rc : 0;
}

int vh_fleet_probe(vh_app *app, vh_fleet *f, const vh_fleet_opts *o)
{
	size_t *idx, n, i, j;
	unsigned char *done;
	int rc = 0;

	if (o->action != VH_FLEET_ACT_CURRENT && !o->spec)
		return 0;
	idx = malloc((f->n + 1) * sizeof(*idx));
	done = calloc(f->n + 1, 1);
	if (!idx || !done) {
		free(idx);
		free(done);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < f->n && rc == 0; i++) {
		if (done[i])
			continue;
		for (j = i, n = 0; j < f->n; j++)
			if (f->t[j].group == f->t[i].group) {
				idx[n++] = j;
				done[j] = 1;
			}
		if (n >= 2)
			rc = probe_group(app, f, o, idx, n);
	}
	free(idx);
	free(done);
	return rc;
}
