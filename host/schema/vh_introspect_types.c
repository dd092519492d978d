/* vh_introspect_types.c - domains, composite types and extensions of one
 * schema as vh_iobject, one query per kind, every text rendered by the
 * server (format_type, pg_get_constraintdef) with the schema alone on the
 * search_path, so they read unqualified.
 *
 * What `extra` holds, for vh_diff_types.c to alter in place:
 *   domain:    base type (with COLLATE) \x1f default \x1f t|f (NOT NULL)
 *              \x1f constraints, each "name CHECK (...)", separated by \x1e
 *   composite: attributes, each "name type [COLLATE c]", separated by \x1f
 *   extension: the installed version
 * Members of extensions are left out, as in vh_introspect_objects.c: an
 * extension's own types and functions are the extension's. */
#include "vh_introspect_int.h"

/* " COLLATE x" when `coll` is not the default of type `typ`, else ''. */
#define COLLATE(coll, typ)                                                                 \
	" coalesce((SELECT ' COLLATE ' || CASE WHEN cn.nspname = 'pg_catalog' THEN ''"       \
	"  ELSE quote_ident(cn.nspname) || '.' END || quote_ident(co.collname)"              \
	"  FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace"           \
	"  WHERE co.oid = " coll " AND " coll " <> 0 AND " coll " <> (SELECT bt.typcollation" \
	"  FROM pg_type bt WHERE bt.oid = " typ ")), '')"

/* Columns: kind, what, name, table, def, create, drop, extra, comment, oid
 * (kind is set by the caller). */
static const char q_domains[] =
	"SELECT 0, 'DOMAIN', quote_ident(t.typname), NULL, w.create, w.create,"
	" 'DROP DOMAIN ' || quote_ident(t.typname),"
	" w.base || chr(31) || coalesce(w.dflt, '') || chr(31) || t.typnotnull::text"
	" || chr(31) || w.cons," COMMENT("pg_type", "t.oid") ", t.oid"
	" FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace,"
	" LATERAL (SELECT format_type(t.typbasetype, t.typtypmod)"
	"  ||" COLLATE("t.typcollation", "t.typbasetype") " AS base,"
	"  coalesce((SELECT string_agg(quote_ident(k.conname) || ' ' || pg_get_constraintdef(k.oid),"
	"   chr(30) ORDER BY k.conname COLLATE \"C\") FROM pg_constraint k"
	"   WHERE k.contypid = t.oid AND k.contype = 'c'), '') AS cons) b,"
	" LATERAL (SELECT 'CREATE DOMAIN ' || quote_ident(t.typname) || ' AS ' || b.base"
	"  || coalesce(' DEFAULT ' || pg_get_expr(t.typdefaultbin, 0), '')"
	"  || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END"
	"  || coalesce((SELECT string_agg(' CONSTRAINT ' || quote_ident(k.conname) || ' '"
	"   || pg_get_constraintdef(k.oid), '' ORDER BY k.conname COLLATE \"C\") FROM pg_constraint k"
	"   WHERE k.contypid = t.oid AND k.contype = 'c'), '') AS create, b.base, b.cons,"
	"  pg_get_expr(t.typdefaultbin, 0) AS dflt) w"
	" WHERE n.nspname = $1 AND t.typtype = 'd' AND $2::text[] IS NOT NULL"
	NOT_EXT("pg_type", "t.oid");

/* Composite types of their own (not a table's row type). */
static const char q_composites[] =
	"SELECT 0, 'TYPE', quote_ident(t.typname), NULL, w.create, w.create,"
	" 'DROP TYPE ' || quote_ident(t.typname), a.us," COMMENT("pg_type", "t.oid") ", t.oid"
	" FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
	" JOIN pg_class r ON r.oid = t.typrelid AND r.relkind = 'c',"
	" LATERAL (SELECT coalesce(string_agg(quote_ident(a.attname) || ' '"
	"  || format_type(a.atttypid, a.atttypmod) ||" COLLATE("a.attcollation", "a.atttypid")
	", ', ' ORDER BY a.attnum), '') AS csv,"
	"  coalesce(string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)"
	"  ||" COLLATE("a.attcollation", "a.atttypid") ", chr(31) ORDER BY a.attnum), '') AS us"
	"  FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0"
	"  AND NOT a.attisdropped) a,"
	" LATERAL (SELECT 'CREATE TYPE ' || quote_ident(t.typname) || ' AS (' || a.csv || ')'"
	"  AS create) w"
	" WHERE n.nspname = $1 AND t.typtype = 'c' AND $2::text[] IS NOT NULL"
	NOT_EXT("pg_type", "t.oid");

/* Extensions installed into the schema. CREATE names no schema: a revision
 * runs with the target schema first on its search_path, where CREATE
 * EXTENSION puts what it creates, so one revision serves every tenant
 * schema of a fleet. */
static const char q_extensions[] =
	"SELECT 0, 'EXTENSION', quote_ident(e.extname), NULL, 'version ' || e.extversion,"
	" 'CREATE EXTENSION IF NOT EXISTS ' || quote_ident(e.extname) || ' WITH VERSION '"
	"  || quote_literal(e.extversion),"
	" 'DROP EXTENSION ' || quote_ident(e.extname), e.extversion,"
	COMMENT("pg_extension", "e.oid") ", e.oid"
	" FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
	" WHERE n.nspname = $1 AND $2::text[] IS NOT NULL";

/* See vh_introspect_int.h. */
int vh_ireader_types(vh_ireader *r)
{
	int rc;

	if ((rc = vh_ireader_object_rows(r, q_domains, VH_IOBJ_DOMAIN)) == 0 &&
	    (rc = vh_ireader_object_rows(r, q_composites, VH_IOBJ_COMPOSITE)) == 0)
		rc = vh_ireader_object_rows(r, q_extensions, VH_IOBJ_EXTENSION);
	return rc;
}
