/* vh_fleet_probe.c - the fast path of a fleet with little or nothing to do:
 * where several targets share a database (a schema per tenant), one
 * connection reads every target's version table, and what its history
 * table says the runner would refuse (an interrupted revision, an applied
 * plugin that changed since), with one PL/pgSQL function of its own
 * transaction per 500 schemas; the targets already where the command would
 * take them, with nothing to refuse, never get a worker or a connection of
 * their own. A thousand tenants at head cost one connection and a handful
 * of round trips, not a thousand connections. Plain SQL: no libxml. */
#include "vh_fleet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_conninfo.h"
#include "vh_db.h"
#include "vh_error.h"
#include "vh_loader.h"
#include "vh_plan.h"
#include "vh_run.h"

/* The probe, as a function of this transaction's own (pg_temp, dropped
 * with the ROLLBACK that ends it): plain SQL has no dynamic FROM, and
 * query_to_xml needs a server built with libxml. For schema number k
 * (from 0) of $1 it returns
 *   k 'V' version_num     every version-table row ($2; none: base)
 *   k 'I' revision        a revision the history ($3) marks for attention
 *                         (an interrupted non-transactional one)
 *   k 'D' revision        an applied (or repaired) revision recorded with a
 *                         plugin SHA-256 that is none of the plugins' now
 *                         ($4): a superset of what the runner's drift check
 *                         refuses (it reads only each revision's latest
 *                         row), so at worst a worker finds nothing to do
 * the last two only when $5 and the history table exists. So a target
 * whose history says anything the runner would refuse goes to a worker,
 * which runs the real checks and reports them. */
static const char probe_fn[] =
	"CREATE FUNCTION pg_temp.vh_fleet_probe(text[], text, text, text[], bool) "
	"RETURNS TABLE (k int, kind text, v text) LANGUAGE plpgsql AS $vh$ "
	"DECLARE s text; n int := -1; BEGIN "
	"FOREACH s IN ARRAY $1 LOOP n := n + 1; "
	"IF to_regclass(format('%I.%I', s, $2)) IS NULL THEN CONTINUE; END IF; "
	"IF $5 AND to_regclass(format('%I.%I', s, $3)) IS NOT NULL THEN "
	"RETURN QUERY EXECUTE format('SELECT $1, ''V''::text, version_num::text FROM %I.%I "
	"UNION ALL SELECT $1, CASE WHEN attention THEN ''I'' ELSE ''D'' END, revision::text "
	"FROM %I.%I WHERE attention OR (((direction = ''upgrade'' AND outcome = ''applied'') OR "
	"outcome = ''repaired'') AND plugin_sha256 IS NOT NULL AND NOT (revision::text || '':'' "
	"|| plugin_sha256) = ANY ($2))', s, $2, s, $3) "
	"USING n, $4; "
	"ELSE RETURN QUERY EXECUTE format('SELECT $1, ''V''::text, version_num::text FROM %I.%I', "
	"s, $2) USING n; END IF; END LOOP; END $vh$";

/* Schemas per transaction: each one's tables stay locked (AccessShare)
 * until it ends, and the server's lock table is finite. */
#define PROBE_CHUNK 500

/* Every plugin's "revision:sha256", as a text[] literal (ids and hex need
 * no quoting); NULL when out of memory or a plugin cannot be read. */
static char *plugin_shas(const vh_graph *g)
{
	size_t n = vh_graph_count(g), i, len = 0;
	char *buf = malloc(n * (32 + 1 + 64 + 1) + 3), sha[65];

	if (!buf)
		return NULL;
	buf[len++] = '{';
	for (i = 0; i < n; i++) {
		const vh_revision *rev = vh_graph_rev(g, i);

		if (vh_revision_sha256(rev, sha) < 0) {
			free(buf);
			return NULL;
		}
		len += (size_t)sprintf(buf + len, "%s%.32s:%s", i ? "," : "", rev->id, sha);
	}
	buf[len++] = '}';
	buf[len] = '\0';
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

/* What the probe read of one target. */
typedef struct seen {
	char **v;     /* its version-table rows, then (from nv on) drifted revisions */
	size_t nv, nd, cap;
	int flagged;  /* an interrupted revision: leave it to a child */
} seen;

static int push(seen *x, const char *id, int drift)
{
	char **grown, *d = strdup(id);

	if (!d)
		return -1;
	if (x->nv + x->nd == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 4;
		if (!(grown = realloc(x->v, x->cap * sizeof(*grown)))) {
			free(d);
			return -1;
		}
		x->v = grown;
	}
	if (drift) {
		x->v[x->nv + x->nd++] = d;
	} else {
		/* Versions go before the drifted revisions. */
		memmove(x->v + x->nv + 1, x->v + x->nv, x->nd * sizeof(*x->v));
		x->v[x->nv++] = d;
	}
	return 0;
}

static int by_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The versions as "a b c" in byte order, as the runner reads them. */
static char *joined(seen *x)
{
	size_t len = 1, i;
	char *out;

	if (x->nv > 1) /* qsort wants a non-NULL array, even of none */
		qsort(x->v, x->nv, sizeof(*x->v), by_strcmp);
	for (i = 0; i < x->nv; i++)
		len += strlen(x->v[i]) + 1;
	if ((out = calloc(1, len)))
		for (i = 0; i < x->nv; i++)
			strcat(strcat(out, i ? " " : ""), x->v[i]);
	return out;
}

/* Whether a drifted revision is applied at `cur` (the runner only refuses
 * those). */
static int drifted(const vh_graph *g, const seen *x, const size_t *cur, size_t ncur)
{
	unsigned char *m = calloc(vh_graph_count(g) + 1, 1);
	size_t i;
	long idx;
	int hit = 0;

	if (!m)
		return 1;
	vh_graph_mark_ancestors(g, cur, ncur, m);
	for (i = 0; i < x->nd && !hit; i++)
		hit = (idx = vh_graph_find(g, x->v[x->nv + i])) >= 0 && m[idx];
	free(m);
	return hit;
}

/* Reads, for the targets of one group (listed in idx), a transaction per
 * PROBE_CHUNK of them, what probe_fn returns; into x[]. */
static int read_group(PGconn *conn, const vh_config *cfg, const vh_graph *g, const size_t *idx,
		      size_t n, int history, const vh_fleet *f, seen *x)
{
	char *shas = history ? plugin_shas(g) : NULL, *arr = NULL;
	const char *params[5] = {NULL, cfg->version_table, cfg->history_table, shas ? shas : "{}",
				 history && shas ? "t" : "f"};
	PGresult *res = NULL;
	size_t k, start, m;
	int rc = 0, r, open = 0;

	/* A plugin that cannot be hashed: the workers say which. */
	if (history && !shas) {
		vh_error_clear();
		for (k = 0; k < n; k++)
			x[k].flagged = 1;
	}
	for (start = 0; start < n && rc == 0; start += PROBE_CHUNK) {
		m = n - start < PROBE_CHUNK ? n - start : PROBE_CHUNK;
		free(arr);
		params[0] = arr = schema_array(f, idx + start, m);
		if (!arr) {
			rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
			break;
		}
		open = 1;
		if ((rc = vh_db_exec(conn, "starting the fleet's probe", "BEGIN")) < 0 ||
		    (rc = vh_db_exec(conn, "making the fleet's probe", probe_fn)) < 0 ||
		    (rc = vh_db_query(&res, conn, "reading the fleet's version tables",
				      "SELECT k, kind, v FROM pg_temp.vh_fleet_probe($1::text[], $2, $3, "
				      "$4::text[], $5::bool)", 5, params)) < 0)
			break;
		for (r = 0; r < PQntuples(res); r++) {
			const char *kind = PQgetvalue(res, r, 1);

			k = start + strtoul(PQgetvalue(res, r, 0), NULL, 10);
			if (k >= n)
				continue;
			if (*kind == 'I')
				x[k].flagged = 1;
			else if (push(&x[k], PQgetvalue(res, r, 2), *kind == 'D') < 0) {
				rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
				break;
			}
		}
		PQclear(res);
		res = NULL;
		open = 0;
		if (rc == 0)
			rc = vh_db_exec(conn, "ending the fleet's probe", "ROLLBACK");
	}
	if (open)
		PQclear(PQexec(conn, "ROLLBACK"));
	PQclear(res);
	free(shas);
	free(arr);
	return rc;
}

/* Reads the version tables of the targets of `group` (listed in idx) and
 * settles those that need nothing: no revision to run, and nothing the
 * runner would refuse first (an interrupted revision, an applied plugin
 * that changed). Errors leave them to the children. */
static int probe_group(vh_app *app, vh_fleet *f, const vh_fleet_opts *o, const size_t *idx,
		       size_t n)
{
	vh_config tmp = *app->cfg;
	const vh_fleet_target *first = &f->t[idx[0]];
	seen *x = calloc(n, sizeof(*x));
	size_t i, j;
	PGconn *conn = NULL;
	vh_graph *g;
	int rc, history = o->action == VH_FLEET_ACT_UPGRADE || o->action == VH_FLEET_ACT_DOWNGRADE;

	if ((rc = vh_app_graph(app, &g)) < 0 || (rc = vh_conninfo_init(&tmp.conn)) < 0) {
		free(x);
		return rc;
	}
	if (!x) {
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
	if ((rc = read_group(conn, app->cfg, g, idx, n, history, f, x)) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		vh_fleet_target *t = &f->t[idx[i]];
		size_t *cur = NULL, ncur;

		free(t->from);
		if (!(t->from = joined(&x[i]))) {
			rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
			break;
		}
		if (o->action == VH_FLEET_ACT_CURRENT) {
			t->outcome = VH_FLEET_OK;
		} else if (o->spec && !x[i].flagged && vh_fleet_map_ids(g, t->from, &cur, &ncur) == 0) {
			if (!(x[i].nd && drifted(g, &x[i], cur, ncur)) && nothing_to_do(g, o, cur, ncur))
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
	for (i = 0; x && i < n; i++) {
		for (j = 0; j < x[i].nv + x[i].nd; j++)
			free(x[i].v[j]);
		free(x[i].v);
	}
	free(x);
	vh_error_clear();
	if (conn)
		PQfinish(conn);
	vh_conninfo_clear(&tmp.conn);
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
