/* vh_diff_order.c - the dependency order of vh_diff_order.h: pg_depend read
 * per schema, and the diff's operations reordered (stable topological
 * sort) so that what an object needs comes first, or a cycle named. */
#include "vh_diff_order.h"

#include <stdlib.h>
#include <string.h>

#include "vh_db.h"
#include "vh_diff_int.h"
#include "vh_error.h"

/* Normal dependencies between the schema's relations (tables, views,
 * materialized views, sequences), routines and enum types. A view's rule,
 * a column default and a check constraint stand for their relation; a
 * table's row type for the table, an array type for its element. Foreign
 * keys are left out: the plan adds them once every table exists. */
static const char q_deps[] =
	"WITH s AS (SELECT oid FROM pg_namespace WHERE nspname = $1),"
	" k AS ("
	"  SELECT 'pg_class'::regclass AS cls, c.oid, 'rel:' || quote_ident(c.relname) AS key"
	"  FROM pg_class c, s WHERE c.relnamespace = s.oid AND c.relkind IN ('r','p','v','m','S')"
	"  UNION ALL SELECT 'pg_proc'::regclass, p.oid, 'fn:' || quote_ident(p.proname) || '(' ||"
	"  pg_get_function_identity_arguments(p.oid) || ')' FROM pg_proc p, s"
	"  WHERE p.pronamespace = s.oid"
	"  UNION ALL SELECT 'pg_type'::regclass, t.oid, 'type:' || quote_ident(t.typname)"
	"  FROM pg_type t, s WHERE t.typnamespace = s.oid AND t.typtype = 'e'),"
	" d AS ("
	"  SELECT CASE WHEN d.classid IN ('pg_rewrite'::regclass, 'pg_attrdef'::regclass,"
	"   'pg_constraint'::regclass) THEN 'pg_class'::regclass ELSE d.classid END AS cls,"
	"  CASE d.classid"
	"   WHEN 'pg_rewrite'::regclass THEN (SELECT ev_class FROM pg_rewrite r WHERE r.oid = d.objid)"
	"   WHEN 'pg_attrdef'::regclass THEN (SELECT adrelid FROM pg_attrdef a WHERE a.oid = d.objid)"
	"   WHEN 'pg_constraint'::regclass THEN (SELECT conrelid FROM pg_constraint c"
	"    WHERE c.oid = d.objid AND c.contype <> 'f')"
	"   ELSE d.objid END AS obj,"
	"  CASE WHEN t.typrelid <> 0 THEN 'pg_class'::regclass ELSE d.refclassid END AS rcls,"
	"  CASE WHEN t.typrelid <> 0 THEN t.typrelid"
	"   WHEN t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem ELSE d.refobjid END AS robj"
	"  FROM pg_depend d LEFT JOIN pg_type t"
	"  ON d.refclassid = 'pg_type'::regclass AND t.oid = d.refobjid"
	"  WHERE d.deptype = 'n' AND d.classid IN ('pg_rewrite'::regclass, 'pg_attrdef'::regclass,"
	"   'pg_constraint'::regclass, 'pg_class'::regclass, 'pg_proc'::regclass))"
	" SELECT DISTINCT a.key, b.key FROM d JOIN k a ON a.cls = d.cls AND a.oid = d.obj"
	" JOIN k b ON b.cls = d.rcls AND b.oid = d.robj WHERE a.key <> b.key ORDER BY 1, 2";

/* See vh_diff_order.h. */
int vh_deps_read(vh_deps **out, PGconn *conn, const char *schema)
{
	const char *params[1] = {schema};
	PGresult *res = NULL, *path = NULL;
	char *qs = PQescapeIdentifier(conn, schema, strlen(schema));
	const char *sp[1];
	vh_deps *d = NULL;
	int rc, i, n;

	*out = NULL;
	if (!qs)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	sp[0] = qs;
	/* Signatures render their types as vh_introspect does: with the
	 * schema alone on the search_path. */
	if ((rc = vh_db_query(&path, conn, "reading the search_path",
			      "SELECT current_setting('search_path'), "
			      "set_config('search_path', $1 || ', public', true)",
			      1, sp)) < 0 ||
	    (rc = vh_db_query(&res, conn, "reading dependencies", q_deps, 1, params)) < 0)
		goto done;
	sp[0] = PQgetvalue(path, 0, 0);
	n = PQntuples(res);
	if (!(d = calloc(1, sizeof(*d))) || !(d->need = calloc((size_t)n * 2 + 1, sizeof(char *)))) {
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		if (!(d->need[2 * i] = strdup(PQgetvalue(res, i, 0))) ||
		    !(d->need[2 * i + 1] = strdup(PQgetvalue(res, i, 1)))) {
			rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
			goto done;
		}
		d->n++;
	}
	{
		PGresult *back = NULL;

		rc = vh_db_query(&back, conn, "restoring the search_path",
				 "SELECT set_config('search_path', $1, true)", 1, sp);
		PQclear(back);
	}
done:
	PQclear(res);
	PQclear(path);
	PQfreemem(qs);
	if (rc < 0) {
		vh_deps_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

/* See vh_diff_order.h. */
void vh_deps_free(vh_deps *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; d->need && i < 2 * d->n; i++)
		free(d->need[i]);
	free(d->need);
	free(d);
}

/* ---------------------------------------------------------------------
 * Ordering
 * --------------------------------------------------------------------- */

/* The key of the object an operation creates (create = 1) or drops, as
 * vh_deps names it, from its phase; NULL when it is neither. */
static const char *op_prefix(const vh_op *op, int create)
{
	int obj = op->kind == VH_OP_ADD_OBJECT || op->kind == VH_OP_RECREATE_OBJECT;

	if (create) {
		if (op->phase == PH_CREATE_TABLE && op->kind == VH_OP_ADD_TABLE)
			return "rel:";
		if ((op->phase == PH_CREATE_VIEW || op->phase == PH_SEQUENCE) && obj)
			return "rel:";
		if (op->phase == PH_ROUTINE && (obj || op->kind == VH_OP_REPLACE_OBJECT))
			return "fn:";
		if (op->phase == PH_CREATE_ENUM && obj)
			return "type:";
		return NULL;
	}
	if (op->phase == PH_DROP_TABLE && op->kind == VH_OP_REMOVE_TABLE)
		return "rel:";
	if (!obj && op->kind != VH_OP_REMOVE_OBJECT)
		return NULL;
	if (op->phase == PH_DROP_VIEW || op->phase == PH_DROP_SEQUENCE)
		return "rel:";
	if (op->phase == PH_DROP_ROUTINE || op->phase == PH_REDROP_ROUTINE)
		return "fn:";
	return op->phase == PH_DROP_ENUM ? "type:" : NULL;
}

typedef struct okey {
	char *key;
	size_t op;
} okey;

static int cmp_okey(const void *a, const void *b)
{
	const okey *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : (x->op < y->op ? -1 : x->op > y->op);
}

/* The first operation of `keys` (sorted) for `key`, or -1. */
static long find_key(const okey *keys, size_t n, const char *key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (strcmp(keys[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && strcmp(keys[lo].key, key) == 0 ? (long)keys[lo].op : -1;
}

typedef struct graph {
	size_t *u, *v; /* u runs before v */
	size_t n, cap;
	int oom;
} graph;

static void add_edge(graph *g, size_t u, size_t v)
{
	if (u == v || g->oom)
		return;
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 64;
		size_t *nu = realloc(g->u, cap * sizeof(size_t)), *nv;

		if (nu)
			g->u = nu;
		if (!nu || !(nv = realloc(g->v, cap * sizeof(size_t)))) {
			g->oom = 1;
			return;
		}
		g->v = nv;
		g->cap = cap;
	}
	g->u[g->n] = u;
	g->v[g->n++] = v;
}

/* The keys of the operations that create (create = 1) or drop objects,
 * sorted; *n of them. NULL with *n 0 when there are none or memory ran
 * out (*oom set). */
static okey *op_keys(const vh_diff *d, int create, size_t *n, int *oom)
{
	okey *k = calloc(d->nops + 1, sizeof(*k));
	size_t i;

	*n = 0;
	if (!k) {
		*oom = 1;
		return NULL;
	}
	for (i = 0; i < d->nops; i++) {
		const char *p = op_prefix(&d->ops[i], create);

		if (!p)
			continue;
		if (!(k[*n].key = vh_diff_fmt("%s%s", p, d->ops[i].table))) {
			*oom = 1;
			break;
		}
		k[(*n)++].op = i;
	}
	qsort(k, *n, sizeof(*k), cmp_okey);
	return k;
}

static void free_keys(okey *k, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(k[i].key);
	free(k);
}

/* Edges from `deps`: for creations, what is needed runs first; for drops,
 * what needs it does. */
static void deps_edges(graph *g, const vh_diff *d, const vh_deps *deps, int create)
{
	size_t nk = 0, i;
	okey *k;

	if (!deps || !deps->n)
		return;
	k = op_keys(d, create, &nk, &g->oom);
	for (i = 0; k && i < deps->n; i++) {
		long a = find_key(k, nk, deps->need[2 * i]), b = find_key(k, nk, deps->need[2 * i + 1]);

		if (a >= 0 && b >= 0)
			add_edge(g, create ? (size_t)b : (size_t)a, create ? (size_t)a : (size_t)b);
	}
	free_keys(k, nk);
}

/* "view v", "table t": what an operation is about, for the cycle message. */
static char *op_object(const vh_op *op)
{
	if (op->kind == VH_OP_ADD_TABLE || op->kind == VH_OP_REMOVE_TABLE)
		return vh_diff_fmt("table %s", op->table);
	return strdup(op->detail ? op->detail : op->table);
}

/* The cycle among the operations not placed yet, as an error. Walks from
 * a blocked operation to one it waits for until one repeats. */
static int cycle_error(const vh_diff *d, const graph *g, const unsigned char *placed,
		       const char *direction)
{
	size_t *path = calloc(d->nops + 1, sizeof(size_t)), len = 0, i, e, start = 0, x = 0;
	long *seen = malloc((d->nops + 1) * sizeof(long));
	char *msg = NULL, *next, *name;
	int rc;

	if (!path || !seen) {
		free(path);
		free(seen);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < d->nops; i++)
		seen[i] = -1;
	for (e = 0; e < g->n; e++)
		if (!placed[g->v[e]] && !placed[g->u[e]]) {
			x = g->v[e];
			break;
		}
	while (seen[x] < 0) {
		seen[x] = (long)len;
		path[len++] = x;
		for (e = 0; e < g->n && (placed[g->u[e]] || g->v[e] != x); e++)
			;
		x = g->u[e]; /* one exists: x is not placed, so it waits for one */
	}
	start = (size_t)seen[x];
	path[len++] = x;
	for (i = start; i < len; i++) {
		name = op_object(&d->ops[path[i]]);
		next = vh_diff_fmt("%s%s%s", msg ? msg : "", i == start ? "" : i == start + 1 ? " needs " : ", which needs ",
				   name ? name : "?");
		free(name);
		free(msg);
		msg = next;
	}
	rc = vh_error_set(VH_ERR_GENERIC,
			  "dependency cycle the %s cannot order: %s; no order of these statements "
			  "runs, write this change by hand",
			  direction, msg ? msg : "?");
	free(msg);
	free(path);
	free(seen);
	return rc;
}

/* See vh_diff_order.h. Kahn's algorithm, always taking the earliest
 * operation that is free to run, so an operation moves only when something
 * it needs comes later, and then just past it. */
int vh_diff_order(vh_diff *d, const vh_deps *from, const vh_deps *to, const char *direction)
{
	graph g = {0};
	size_t *indeg = NULL, *order = NULL, i, e, n = 0, late = 0;
	unsigned char *placed = NULL;
	vh_op *ops = NULL;
	int rc = 0;

	deps_edges(&g, d, to, 1);
	deps_edges(&g, d, from, 0);
	/* The statements of one object (a materialized view and its
	 * indexes) stay together and in order. */
	for (i = 1; i < d->nops; i++)
		if (d->ops[i].phase == PH_CREATE_VIEW && d->ops[i - 1].phase == PH_CREATE_VIEW &&
		    strcmp(d->ops[i].table, d->ops[i - 1].table) == 0)
			add_edge(&g, i - 1, i);
	if (g.oom) {
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (e = 0; e < g.n; e++)
		late += g.u[e] > g.v[e];
	if (!late)
		goto done; /* the phases already agree */
	if (!(indeg = calloc(d->nops, sizeof(size_t))) || !(order = calloc(d->nops, sizeof(size_t))) ||
	    !(placed = calloc(d->nops, 1)) || !(ops = malloc(d->nops * sizeof(vh_op)))) {
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (e = 0; e < g.n; e++)
		indeg[g.v[e]]++;
	while (n < d->nops) {
		for (i = 0; i < d->nops && (placed[i] || indeg[i]); i++)
			;
		if (i == d->nops) {
			rc = cycle_error(d, &g, placed, direction);
			goto done;
		}
		placed[i] = 1;
		order[n++] = i;
		for (e = 0; e < g.n; e++)
			if (g.u[e] == i)
				indeg[g.v[e]]--;
	}
	for (i = 0; i < d->nops; i++)
		ops[i] = d->ops[order[i]];
	memcpy(d->ops, ops, d->nops * sizeof(vh_op));
done:
	free(g.u);
	free(g.v);
	free(indeg);
	free(order);
	free(placed);
	free(ops);
	return rc;
}
