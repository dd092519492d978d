/* vh_fleet_probe.c - the fast path of a fleet with little or nothing to do:
 * where several targets share a database (a schema per tenant), one
 * connection reads every target's version table, and what its history
 * table says the runner would refuse (an interrupted revision, an applied
 * plugin that changed since), in one query to find the tables and one
 * UNION ALL per 250 schemas; the targets already where the command would
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

/* Which of the schemas ($1) hold the version table ($2) and the history
 * table ($3): a schema without the version table reads as base, as the
 * runner reads it. */
static const char exists_sql[] =
	"SELECT u.i, to_regclass(format('%I.%I', u.s, $2::text)) IS NOT NULL, "
	"to_regclass(format('%I.%I', u.s, $3::text)) IS NOT NULL "
	"FROM unnest($1::text[]) WITH ORDINALITY AS u(s, i)";

/* Schemas per statement: each is a branch or three of a UNION ALL, and its
 * tables stay locked (AccessShare) until the statement ends. */
#define PROBE_CHUNK 250

/* What one schema's branches read, tagged with its index k:
 *   k 'V' version_num     every version-table row
 *   k 'I' revision        a revision the history marks for attention (an
 *                         interrupted non-transactional one)
 *   k 'D' revision        an applied revision whose last recorded plugin
 *                         SHA-256 is none of the plugins' now ($1)
 * So a target whose history says anything the runner would refuse goes to
 * a child, which runs the real checks and reports them. */
static int append_branches(char **sql, size_t *len, PGconn *conn, const char *vschema, size_t k,
			   const vh_config *cfg, int history)
{
	char *s = PQescapeIdentifier(conn, vschema, strlen(vschema));
	char *vt = PQescapeIdentifier(conn, cfg->version_table, strlen(cfg->version_table));
	char *ht = PQescapeIdentifier(conn, cfg->history_table, strlen(cfg->history_table));
	char *part = NULL, *grown;
	int n = -1;

	if (s && vt && ht)
		n = history ? asprintf(&part,
				       "%sSELECT %zu, 'V', version_num::text FROM %s.%s UNION ALL "
				       "(SELECT %zu, 'I', revision::text FROM %s.%s WHERE attention LIMIT 1) "
				       "UNION ALL SELECT %zu, 'D', revision::text FROM (SELECT DISTINCT ON "
				       "(revision) revision, plugin_sha256 FROM %s.%s WHERE ((direction = "
				       "'upgrade' AND outcome = 'applied') OR outcome = 'repaired') AND "
				       "plugin_sha256 IS NOT NULL ORDER BY revision, id DESC) h WHERE NOT "
				       "(revision::text || ':' || plugin_sha256) = ANY ($1::text[])",
				       *len ? " UNION ALL " : "", k, s, vt, k, s, ht, k, s, ht)
			    : asprintf(&part, "%sSELECT %zu, 'V', version_num::text FROM %s.%s",
				       *len ? " UNION ALL " : "", k, s, vt);
	PQfreemem(s);
	PQfreemem(vt);
	PQfreemem(ht);
	if (n < 0 || !(grown = realloc(*sql, *len + (size_t)n + 1))) {
		free(part);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	memcpy(grown + *len, part, (size_t)n + 1);
	*sql = grown;
	*len += (size_t)n;
	free(part);
	return 0;
}

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
	int vt, ht;   /* its version table and history table exist */
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

/* Reads, for the targets of one group (listed in idx), chunk by chunk, what
 * append_branches says; into x[]. */
static int read_group(PGconn *conn, const vh_config *cfg, const vh_graph *g, const size_t *idx,
		      size_t n, int history, const vh_fleet *f, seen *x)
{
	char *arr = schema_array(f, idx, n), *shas = NULL, *sql = NULL;
	const char *params[3] = {arr, cfg->version_table, cfg->history_table};
	PGresult *res = NULL;
	size_t k, len, start;
	int rc = 0, any_ht = 0, r;

	if (!arr)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	if ((rc = vh_db_query(&res, conn, "looking for the fleet's version tables", exists_sql, 3,
			      params)) < 0)
		goto done;
	for (r = 0; r < PQntuples(res); r++) {
		k = strtoul(PQgetvalue(res, r, 0), NULL, 10) - 1;
		if (k >= n)
			continue;
		x[k].vt = *PQgetvalue(res, r, 1) == 't';
		x[k].ht = history && x[k].vt && *PQgetvalue(res, r, 2) == 't';
		any_ht |= x[k].ht;
	}
	PQclear(res);
	res = NULL;
	if (any_ht && !(shas = plugin_shas(g))) {
		/* A plugin that cannot be hashed: the children say which. */
		for (k = 0; k < n; k++)
			x[k].flagged |= x[k].ht;
		vh_error_clear();
	}
	for (start = 0; start < n; start += PROBE_CHUNK) {
		int uses_shas = 0;

		len = 0;
		for (k = start; k < n && k < start + PROBE_CHUNK; k++) {
			int h = x[k].ht && shas;

			if (x[k].vt && (rc = append_branches(&sql, &len, conn, f->t[idx[k]].vschema, k, cfg,
							     h)) < 0)
				goto done;
			uses_shas |= x[k].vt && h;
		}
		if (!len)
			continue;
		params[0] = shas;
		if ((rc = vh_db_query(&res, conn, "reading the fleet's version tables", sql,
				      uses_shas ? 1 : 0, params)) < 0)
			goto done;
		for (r = 0; r < PQntuples(res); r++) {
			const char *kind = PQgetvalue(res, r, 1);

			k = strtoul(PQgetvalue(res, r, 0), NULL, 10);
			if (k >= n)
				continue;
			if (*kind == 'I')
				x[k].flagged = 1;
			else if (push(&x[k], PQgetvalue(res, r, 2), *kind == 'D') < 0) {
				rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
				goto done;
			}
		}
		PQclear(res);
		res = NULL;
		free(sql);
		sql = NULL;
	}
done:
	PQclear(res);
	free(sql);
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
