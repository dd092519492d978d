/* vh_introspect_objects.c - the objects autogenerate handles besides
 * tables: enum types, sequences of their own, functions and procedures,
 * views and materialized views, triggers. One query per kind; each row
 * carries the object's definition, the statements that create and drop it,
 * all rendered by the server (pg_get_functiondef, pg_get_viewdef,
 * pg_get_triggerdef, ...) with the schema alone on the search_path, so they
 * read unqualified. Members of extensions are left out (the extension is
 * the catalog inventory's). */
#include <stdlib.h>
#include <string.h>

#include "vh_error.h"
#include "vh_introspect_int.h"

/* Each returns: kind, what, name, table, def, create, drop, extra, comment,
 * oid. */
static const char *const q_objects[] = {
	/* Enum types. */
	"SELECT 0, 'TYPE', quote_ident(t.typname), NULL, l.csv,"
	" 'CREATE TYPE ' || quote_ident(t.typname) || ' AS ENUM (' || l.csv || ')',"
	" 'DROP TYPE ' || quote_ident(t.typname), l.us," COMMENT("pg_type", "t.oid") ", t.oid"
	" FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace,"
	" LATERAL (SELECT coalesce(string_agg(quote_literal(e.enumlabel), ', '"
	"  ORDER BY e.enumsortorder), '') AS csv, coalesce(string_agg(quote_literal(e.enumlabel),"
	"  chr(31) ORDER BY e.enumsortorder), '') AS us"
	"  FROM pg_enum e WHERE e.enumtypid = t.oid) l"
	" WHERE n.nspname = $1 AND t.typtype = 'e' AND $2::text[] IS NOT NULL" NOT_EXT("pg_type", "t.oid"),

	/* Sequences but those of identity and serial columns (part of them). */
	"SELECT 1, 'SEQUENCE', quote_ident(c.relname), o.owner,"
	" s.opts || coalesce(' OWNED BY ' || o.owner, ''),"
	" 'CREATE SEQUENCE ' || quote_ident(c.relname) || ' ' || s.opts,"
	" 'DROP SEQUENCE ' || quote_ident(c.relname), s.opts," COMMENT("pg_class", "c.oid") ", c.oid"
	" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,"
	" LATERAL (SELECT format('AS %s INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s"
	" CACHE %s %s', format_type(q.seqtypid, NULL), q.seqincrement, q.seqmin, q.seqmax,"
	"  q.seqstart, q.seqcache, CASE WHEN q.seqcycle THEN 'CYCLE' ELSE 'NO CYCLE' END) AS opts"
	"  FROM pg_sequence q WHERE q.seqrelid = c.oid) s"
	" LEFT JOIN LATERAL (SELECT quote_ident(r.relname) || '.' || quote_ident(a.attname) AS owner"
	"  FROM pg_depend d JOIN pg_class r ON r.oid = d.refobjid"
	"  JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
	"  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'a'"
	"  AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 LIMIT 1) o ON true"
	" WHERE n.nspname = $1 AND c.relkind = 'S'"
	" AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
	"  AND d.objid = c.oid AND (d.deptype = 'i' OR (d.deptype = 'a' AND EXISTS (SELECT 1"
	"  FROM pg_attrdef ad WHERE ad.adrelid = d.refobjid AND ad.adnum = d.refobjsubid"
	"  AND pg_get_expr(ad.adbin, ad.adrelid) = format('nextval(%L::regclass)', c.oid::regclass)))"
	"  OR (d.deptype = 'a'"
	"  AND d.refobjid IN (SELECT x.oid FROM pg_class x WHERE x.relnamespace = n.oid"
	"  AND x.relname = ANY ($2::text[])))))" NOT_EXT("pg_class", "c.oid"),

	/* Functions and procedures (not aggregates, which have no
	 * pg_get_functiondef), by signature. */
	"SELECT 2, w.what, w.name, NULL, w.def, w.def, 'DROP ' || w.what || ' ' || w.name,"
	" p.prokind::text || ' ' || coalesce(pg_get_function_result(p.oid), '')," COMMENT("pg_proc", "p.oid")
	", p.oid"
	" FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace,"
	" LATERAL (SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END AS what,"
	"  quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS name,"
	"  rtrim(replace(replace(pg_get_functiondef(p.oid), 'FUNCTION ' || quote_ident(n.nspname)"
	"  || '.', 'FUNCTION '), 'PROCEDURE ' || quote_ident(n.nspname) || '.', 'PROCEDURE '),"
	"  E'\\n') AS def) w"
	" WHERE n.nspname = $1 AND p.prokind IN ('f', 'p') AND $2::text[] IS NOT NULL"
	NOT_EXT("pg_proc", "p.oid"),

	/* Views and materialized views, the latter with their indexes; extra
	 * lists the relations of the schema they read. */
	"SELECT 3, w.what, quote_ident(c.relname), NULL, w.def, w.def,"
	" 'DROP ' || w.what || ' ' || quote_ident(c.relname),"
	" coalesce((SELECT ',' || string_agg(DISTINCT quote_ident(r.relname), ',') || ','"
	"  FROM pg_rewrite rw JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass"
	"  AND d.objid = rw.oid AND d.refclassid = 'pg_class'::regclass"
	"  JOIN pg_class r ON r.oid = d.refobjid"
	"  WHERE rw.ev_class = c.oid AND r.oid <> c.oid AND r.relnamespace = c.relnamespace), ''),"
	COMMENT("pg_class", "c.oid") ", c.oid"
	" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,"
	" LATERAL (SELECT CASE c.relkind WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'VIEW' END AS what) k,"
	" LATERAL (SELECT 'CREATE ' || k.what || ' ' || quote_ident(c.relname)"
	"  || coalesce(' WITH (' || array_to_string(c.reloptions, ', ') || ')', '') || ' AS'"
	"  || chr(10) || rtrim(pg_get_viewdef(c.oid), ';')"
	"  || coalesce((SELECT string_agg(chr(30) || regexp_replace(pg_get_indexdef(x.indexrelid),"
	"   ' ON (ONLY )?\\S+ USING ', ' ON ' || quote_ident(c.relname) || ' USING '), ''"
	"   ORDER BY x.indexrelid) FROM pg_index x WHERE x.indrelid = c.oid), '') AS def,"
	"  k.what AS what) w"
	" WHERE n.nspname = $1 AND c.relkind IN ('v', 'm') AND c.relname <> ALL ($2::text[])"
	NOT_EXT("pg_class", "c.oid"),

	/* Triggers written by users (not those behind foreign keys). */
	"SELECT 4, 'TRIGGER', quote_ident(g.tgname), quote_ident(c.relname),"
	" w.def || coalesce(' (' || lower(e.how) || ')', ''),"
	" w.def || coalesce(chr(30) || 'ALTER TABLE ' || quote_ident(c.relname) || ' ' || e.how"
	"  || ' TRIGGER ' || quote_ident(g.tgname), ''),"
	" 'DROP TRIGGER ' || quote_ident(g.tgname) || ' ON ' || quote_ident(c.relname), NULL,"
	COMMENT("pg_trigger", "g.oid") ", g.oid"
	" FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid"
	" JOIN pg_namespace n ON n.oid = c.relnamespace,"
	/* The table is always qualified: the schema's name goes. */
	" LATERAL (SELECT replace(pg_get_triggerdef(g.oid), ' ON ' || quote_ident(n.nspname) || '.',"
	"  ' ON ') AS def) w,"
	/* Disabled, or firing in replica sessions (REPLICA) or in all (ALWAYS). */
	" LATERAL (SELECT CASE g.tgenabled WHEN 'D' THEN 'DISABLE' WHEN 'R' THEN 'ENABLE REPLICA'"
	"  WHEN 'A' THEN 'ENABLE ALWAYS' END AS how) e"
	" WHERE n.nspname = $1 AND NOT g.tgisinternal AND c.relname <> ALL ($2::text[])"
	" AND g.tgparentid = 0", /* a partition's clone of its parent's trigger */
};

/* Order: kind, then name, then table (triggers of the same name). */
static int cmp_obj(const void *pa, const void *pb)
{
	const vh_iobject *a = pa, *b = pb;
	int c;

	if (a->kind != b->kind)
		return (int)a->kind - (int)b->kind;
	if ((c = strcmp(a->name, b->name)) != 0)
		return c;
	if (a->kind != VH_IOBJ_TRIGGER)
		return 0;
	return strcmp(a->table ? a->table : "", b->table ? b->table : "");
}

/* See vh_introspect_int.h. */
int vh_ireader_object_rows(vh_ireader *r, const char *sql, int kind)
{
	PGresult *res;
	vh_iobject *grown;
	int i, n, rc, oom = 0;

	if ((rc = vh_ireader_run(r, &res, sql, "reading objects")) < 0)
		return rc;
	n = PQntuples(res);
	if (!(grown = realloc(r->s->objs, (r->s->nobjs + (size_t)n + 1) * sizeof(*grown)))) {
		PQclear(res);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	r->s->objs = grown;
	for (i = 0; i < n; i++) {
		vh_iobject *o = &r->s->objs[r->s->nobjs++];

		memset(o, 0, sizeof(*o));
		o->kind = (vh_iobj_kind)(kind >= 0 ? kind : atoi(PQgetvalue(res, i, 0)));
		o->what = vh_ireader_field(r, res, i, 1, &oom);
		o->name = vh_ireader_field(r, res, i, 2, &oom);
		o->table = vh_ireader_field(r, res, i, 3, &oom);
		o->def = vh_ireader_field(r, res, i, 4, &oom);
		o->create = vh_ireader_field(r, res, i, 5, &oom);
		o->drop = vh_ireader_field(r, res, i, 6, &oom);
		o->extra = vh_ireader_field(r, res, i, 7, &oom);
		o->comment = vh_ireader_field(r, res, i, 8, &oom);
		o->oid = (unsigned int)strtoul(PQgetvalue(res, i, 9), NULL, 10);
	}
	PQclear(res);
	return oom ? vh_error_set(VH_ERR_NOMEM, "out of memory") : 0;
}

int vh_ireader_objects(vh_ireader *r)
{
	size_t q, nq = sizeof(q_objects) / sizeof(*q_objects);
	int rc = 0;

	for (q = 0; q < nq && rc == 0; q++)
		rc = vh_ireader_object_rows(r, q_objects[q], -1);
	if (rc == 0)
		rc = vh_ireader_types(r);
	if (rc == 0)
		rc = vh_ireader_acl(r);
	if (rc == 0)
		rc = vh_ireader_settings(r);
	if (rc == 0 && r->s->nobjs > 1)
		qsort(r->s->objs, r->s->nobjs, sizeof(vh_iobject), cmp_obj);
	return rc;
}

/* See vh_introspect_int.h. */
void vh_ischema_sort_objects(vh_ischema *s)
{
	if (s->nobjs > 1)
		qsort(s->objs, s->nobjs, sizeof(vh_iobject), cmp_obj);
}

const vh_iobject *vh_ischema_object(const vh_ischema *s, vh_iobj_kind kind, const char *name,
				    const char *table)
{
	vh_iobject key = {0};

	key.kind = kind;
	key.name = name;
	key.table = table;
	if (!s->nobjs)
		return NULL;
	return bsearch(&key, s->objs, s->nobjs, sizeof(vh_iobject), cmp_obj);
}
