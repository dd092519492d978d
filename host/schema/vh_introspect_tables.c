/* vh_introspect_tables.c - the tables of one schema and what hangs off
 * them (columns, constraints, indexes, comments): one query per catalog,
 * never one per table, so a schema of a thousand tables reads in a handful
 * of round trips. */
#include <stdlib.h>
#include <string.h>

#include "vh_db.h"
#include "vh_error.h"
#include "vh_introspect_int.h"

/* ---------------------------------------------------------------------
 * The queries. $1 is the schema, $2 the excluded table names (text[]).
 * Every query orders by table oid so rows map onto tables in one pass.
 * --------------------------------------------------------------------- */

/* Ordinary and partitioned tables and partitions, not an extension's. */
#define TABLE_FILTER                                                           \
	" JOIN pg_namespace n ON n.oid = c.relnamespace"                       \
	" WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')"                    \
	" AND c.relname <> ALL ($2::text[])"                                   \
	" AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass" \
	"  AND e.objid = c.oid AND e.deptype = 'e')"

static const char q_tables[] =
	"SELECT c.oid, quote_ident(c.relname), quote_literal(ds.description),"
	" CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,"
	" (SELECT quote_ident(pr.relname) FROM pg_inherits ih JOIN pg_class pr ON pr.oid = ih.inhparent"
	"  WHERE ih.inhrelid = c.oid AND c.relispartition),"
	" CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END,"
	" CASE WHEN c.relispartition THEN (SELECT count(*) - 1 FROM pg_partition_ancestors(c.oid))"
	"  ELSE 0 END,"
	/* What a partition holds from its parent, as "name\x1fstatement" that
	 * drops it once detached: foreign keys, other constraints, indexes. */
	" CASE WHEN c.relispartition THEN (SELECT string_agg(q.s, chr(30) ORDER BY q.o, q.s) FROM ("
	"  SELECT CASE WHEN k.contype = 'f' THEN 0 ELSE 1 END AS o, quote_ident(k.conname)"
	"   || chr(31) || 'ALTER TABLE ' || quote_ident(c.relname) || ' DROP CONSTRAINT '"
	"   || quote_ident(k.conname) AS s"
	"  FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype IN ('p', 'u', 'f', 'c', 'x')"
	"  AND (k.conparentid <> 0 OR NOT k.conislocal)"
	"  UNION ALL SELECT 2, quote_ident(i.relname) || chr(31) || 'DROP INDEX ' || quote_ident(i.relname)"
	"  FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = c.oid"
	"  AND EXISTS (SELECT 1 FROM pg_inherits ih WHERE ih.inhrelid = x.indexrelid)"
	"  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid"
	"   AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x'))) q) END"
	" FROM pg_class c"
	" LEFT JOIN pg_description ds ON ds.objoid = c.oid"
	"  AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0"
	TABLE_FILTER
	" ORDER BY quote_ident(c.relname) COLLATE \"C\"";

/* serial: a default of nextval() on a sequence the column owns ('a'
 * dependency); identity sequences are internal ('i') and not counted. */
static const char q_columns[] =
	"SELECT a.attrelid, quote_ident(a.attname), format_type(a.atttypid, a.atttypmod),"
	" CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0 THEN"
	"  CASE WHEN cn.nspname = 'pg_catalog' THEN '' ELSE quote_ident(cn.nspname) || '.' END"
	"  || quote_ident(co.collname) END,"
	" CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END,"
	" CASE WHEN a.attgenerated = 's' THEN pg_get_expr(d.adbin, d.adrelid) END,"
	" quote_literal(ds.description), a.attidentity, a.attnotnull,"
	" d.adbin IS NOT NULL AND a.attgenerated = '' AND EXISTS (SELECT 1 FROM pg_depend dp"
	"  JOIN pg_class s ON s.oid = dp.objid AND s.relkind = 'S'"
	"  WHERE dp.classid = 'pg_class'::regclass AND dp.refclassid = 'pg_class'::regclass"
	"  AND dp.refobjid = a.attrelid AND dp.refobjsubid = a.attnum AND dp.deptype = 'a'"
	"  AND pg_get_expr(d.adbin, d.adrelid) = format('nextval(%L::regclass)', s.oid::regclass))"
	" FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
	" JOIN pg_type t ON t.oid = a.atttypid"
	" LEFT JOIN pg_collation co ON co.oid = a.attcollation"
	" LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace"
	" LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
	" LEFT JOIN pg_description ds ON ds.objoid = a.attrelid"
	"  AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = a.attnum"
	TABLE_FILTER
	" AND a.attnum > 0 AND NOT a.attisdropped"
	" ORDER BY a.attrelid, a.attnum";

static const char q_constraints[] =
	"SELECT k.conrelid, quote_ident(k.conname), k.contype, pg_get_constraintdef(k.oid),"
	" CASE WHEN k.contype = 'f' THEN quote_ident(r.relname) END,"
	" quote_literal(ds.description)"
	" FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
	" LEFT JOIN pg_class r ON r.oid = k.confrelid"
	" LEFT JOIN pg_description ds ON ds.objoid = k.oid"
	"  AND ds.classoid = 'pg_constraint'::regclass AND ds.objsubid = 0"
	TABLE_FILTER
	" AND k.contype IN ('p', 'u', 'f', 'c', 'x')"
	/* A partition's copies of its parent's constraints are the parent's. */
	" AND k.conparentid = 0 AND k.conislocal"
	" ORDER BY k.conrelid, quote_ident(k.conname) COLLATE \"C\"";

/* Indexes behind a primary key, unique or exclusion constraint belong to
 * the constraint and are compared through it. */
static const char q_indexes[] =
	"SELECT x.indrelid, quote_ident(i.relname), x.indisunique, am.amname,"
	" pg_get_indexdef(x.indexrelid), pg_get_expr(x.indpred, x.indrelid),"
	" quote_literal(ds.description)"
	" FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
	" JOIN pg_class c ON c.oid = x.indrelid"
	" JOIN pg_am am ON am.oid = i.relam"
	" LEFT JOIN pg_description ds ON ds.objoid = x.indexrelid"
	"  AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0"
	TABLE_FILTER
	" AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid"
	"  AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x'))"
	/* A partition's index made from its parent's is the parent's. */
	" AND NOT EXISTS (SELECT 1 FROM pg_inherits ih WHERE ih.inhrelid = x.indexrelid)"
	" ORDER BY x.indrelid, quote_ident(i.relname) COLLATE \"C\"";

/* ---------------------------------------------------------------------
 * Reading
 * --------------------------------------------------------------------- */

/* Field (row, col) copied into the arena; NULL for SQL NULL. *oom is set
 * when out of memory. */
const char *vh_ireader_field(vh_ireader *r, const PGresult *res, int row, int col, int *oom)
{
	const char *v;

	if (PQgetisnull(res, row, col))
		return NULL;
	v = vh_arena_strndup(&r->arena, PQgetvalue(res, row, col), (size_t)PQgetlength(res, row, col));
	if (!v)
		*oom = 1;
	return v;
}

/* The table oid in column 0 of every query's rows. */
static unsigned int oid_of(const PGresult *res, int row)
{
	return (unsigned int)strtoul(PQgetvalue(res, row, 0), NULL, 10);
}

static const vh_ischema *oid_sort_schema;

/* qsort order of table positions by oid (oid_sort_schema: one vh_ireader at a
 * time, single-threaded). */
static int cmp_oid(const void *a, const void *b)
{
	unsigned int x = oid_sort_schema->tables[*(const size_t *)a].oid;
	unsigned int y = oid_sort_schema->tables[*(const size_t *)b].oid;

	return x < y ? -1 : x > y;
}

/* The table with that oid, or NULL (a table created between two queries). */
static vh_itable *table_by_oid(vh_ireader *r, unsigned int oid)
{
	size_t lo = 0, hi = r->s->ntables;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		vh_itable *t = &r->s->tables[r->by_oid[mid]];

		if (t->oid == oid)
			return t;
		if (t->oid < oid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Runs one of the queries; *out is the caller's. */
int vh_ireader_run(vh_ireader *r, PGresult **out, const char *sql, const char *what)
{
	return vh_db_query(out, r->conn, what, sql, 2, r->params);
}

/* Counts rows per table (rows come grouped by oid) and allocates each
 * table's array of `size`-byte elements, storing it through `slot`. */
static int alloc_per_table(vh_ireader *r, const PGresult *res, size_t size, size_t off_ptr,
			   size_t off_n)
{
	int i, nrows = PQntuples(res);

	for (i = 0; i < nrows; i++) {
		vh_itable *t = table_by_oid(r, oid_of(res, i));

		if (t)
			(*(size_t *)((char *)t + off_n))++;
	}
	for (size_t k = 0; k < r->s->ntables; k++) {
		vh_itable *t = &r->s->tables[k];
		size_t n = *(size_t *)((char *)t + off_n);
		void *arr = n ? calloc(n, size) : NULL;

		if (n && !arr)
			return vh_error_set(VH_ERR_NOMEM, "out of memory");
		*(void **)((char *)t + off_ptr) = arr;
		*(size_t *)((char *)t + off_n) = 0; /* refilled while reading */
	}
	return 0;
}

/* The part of pg_get_indexdef's text after the table name: "USING btree
 * (a, lower(b)) INCLUDE (c) WHERE (...)". The prefix names the index and its
 * schema-qualified table, which differ between a scratch schema and the real
 * one, so it is skipped by parsing the identifiers it is made of. */
static const char *skip_ident(const char *p)
{
	if (*p == '"') {
		for (p++; *p; p++)
			if (*p == '"') {
				if (p[1] != '"')
					return p + 1;
				p++;
			}
		return p;
	}
	while (*p && *p != ' ' && *p != '.')
		p++;
	return p;
}

/* Returns a pointer into `def` (no copy): where "USING" starts, or all of
 * `def` when the text is not shaped as expected. */
const char *vh_index_body(const char *def)
{
	const char *p = def, *u;

	if (strncmp(p, "CREATE ", 7) == 0)
		p += 7;
	if (strncmp(p, "UNIQUE ", 7) == 0)
		p += 7;
	if (strncmp(p, "INDEX ", 6) == 0) {
		p = skip_ident(p + 6);
		if (strncmp(p, " ON ", 4) == 0) {
			p += 4;
			if (strncmp(p, "ONLY ", 5) == 0)
				p += 5;
			p = skip_ident(p);
			if (*p == '.')
				p = skip_ident(p + 1);
			if (strncmp(p, " USING ", 7) == 0)
				return p + 1;
		}
	}
	u = strstr(def, " USING ");
	return u ? u + 1 : def;
}

/* The tables, sorted by quoted name, and the oid index over them. Errors:
 * VH_ERR_DB, VH_ERR_NOMEM. The vh_ireader_* below fill each table's arrays the
 * same way, one query for all tables. */
int vh_ireader_tables(vh_ireader *r)
{
	PGresult *res;
	int i, n, oom = 0, rc;

	if ((rc = vh_ireader_run(r, &res, q_tables, "reading tables")) < 0)
		return rc;
	/* PQntuples is never negative; saying so lets the compiler size the
	 * allocations below. */
	if ((n = PQntuples(res)) < 0)
		n = 0;
	if (n && !(r->s->tables = calloc((size_t)n, sizeof(vh_itable)))) {
		PQclear(res);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < n; i++) {
		vh_itable *t = &r->s->tables[i];

		t->oid = oid_of(res, i);
		t->name = vh_ireader_field(r, res, i, 1, &oom);
		t->comment = vh_ireader_field(r, res, i, 2, &oom);
		t->partkey = vh_ireader_field(r, res, i, 3, &oom);
		t->parent = vh_ireader_field(r, res, i, 4, &oom);
		t->bound = vh_ireader_field(r, res, i, 5, &oom);
		t->depth = atoi(PQgetvalue(res, i, 6));
		t->inherited = vh_ireader_field(r, res, i, 7, &oom);
	}
	r->s->ntables = (size_t)n;
	PQclear(res);
	if (oom || (n && !(r->by_oid = malloc((size_t)n * sizeof(size_t)))))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	for (i = 0; i < n; i++)
		r->by_oid[i] = (size_t)i;
	oid_sort_schema = r->s;
	if (n > 1) /* by_oid is NULL for an empty schema: qsort must not see it */
		qsort(r->by_oid, (size_t)n, sizeof(size_t), cmp_oid);
	return 0;
}

/* Columns in attnum order. */
int vh_ireader_columns(vh_ireader *r)
{
	PGresult *res;
	int i, oom = 0, rc;

	if ((rc = vh_ireader_run(r, &res, q_columns, "reading columns")) < 0)
		return rc;
	if ((rc = alloc_per_table(r, res, sizeof(vh_icolumn), offsetof(vh_itable, cols),
				  offsetof(vh_itable, ncols))) < 0)
		goto done;
	for (i = 0; i < PQntuples(res); i++) {
		vh_itable *t = table_by_oid(r, oid_of(res, i));
		vh_icolumn *c;
		const char *ident;

		if (!t)
			continue;
		c = &t->cols[t->ncols++];
		c->name = vh_ireader_field(r, res, i, 1, &oom);
		c->type = vh_ireader_field(r, res, i, 2, &oom);
		c->collation = vh_ireader_field(r, res, i, 3, &oom);
		c->def = vh_ireader_field(r, res, i, 4, &oom);
		c->generated = vh_ireader_field(r, res, i, 5, &oom);
		c->comment = vh_ireader_field(r, res, i, 6, &oom);
		ident = PQgetvalue(res, i, 7);
		c->identity = (ident[0] == 'a' || ident[0] == 'd') ? ident[0] : 0;
		c->notnull = PQgetvalue(res, i, 8)[0] == 't';
		c->serial = PQgetvalue(res, i, 9)[0] == 't';
		if (c->serial)
			c->def = NULL; /* the sequence's name is not part of the model */
	}
	if (oom)
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
done:
	PQclear(res);
	return rc;
}

/* Constraints by name. */
int vh_ireader_constraints(vh_ireader *r)
{
	PGresult *res;
	int i, oom = 0, rc;

	if ((rc = vh_ireader_run(r, &res, q_constraints, "reading constraints")) < 0)
		return rc;
	if ((rc = alloc_per_table(r, res, sizeof(vh_icons), offsetof(vh_itable, cons),
				  offsetof(vh_itable, ncons))) < 0)
		goto done;
	for (i = 0; i < PQntuples(res); i++) {
		vh_itable *t = table_by_oid(r, oid_of(res, i));
		vh_icons *k;

		if (!t)
			continue;
		k = &t->cons[t->ncons++];
		k->name = vh_ireader_field(r, res, i, 1, &oom);
		k->type = PQgetvalue(res, i, 2)[0];
		k->def = vh_ireader_field(r, res, i, 3, &oom);
		k->ref_table = vh_ireader_field(r, res, i, 4, &oom);
		k->comment = vh_ireader_field(r, res, i, 5, &oom);
	}
	if (oom)
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
done:
	PQclear(res);
	return rc;
}

/* Indexes that back no constraint, by name. */
int vh_ireader_indexes(vh_ireader *r)
{
	PGresult *res;
	int i, oom = 0, rc;

	if ((rc = vh_ireader_run(r, &res, q_indexes, "reading indexes")) < 0)
		return rc;
	if ((rc = alloc_per_table(r, res, sizeof(vh_iindex), offsetof(vh_itable, idx),
				  offsetof(vh_itable, nidx))) < 0)
		goto done;
	for (i = 0; i < PQntuples(res); i++) {
		vh_itable *t = table_by_oid(r, oid_of(res, i));
		vh_iindex *x;
		const char *body;

		if (!t)
			continue;
		x = &t->idx[t->nidx++];
		x->name = vh_ireader_field(r, res, i, 1, &oom);
		x->unique = PQgetvalue(res, i, 2)[0] == 't';
		x->method = vh_ireader_field(r, res, i, 3, &oom);
		body = vh_index_body(PQgetvalue(res, i, 4));
		if (!(x->body = vh_arena_strndup(&r->arena, body, strlen(body))))
			oom = 1;
		x->predicate = vh_ireader_field(r, res, i, 5, &oom);
		x->comment = vh_ireader_field(r, res, i, 6, &oom);
	}
	if (oom)
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
done:
	PQclear(res);
	return rc;
}
