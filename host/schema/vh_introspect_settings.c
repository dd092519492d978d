/* vh_introspect_settings.c - settings of tables and their columns that
 * are no object of their own, read as VH_IOBJ_SETTING rows where they
 * differ from what CREATE TABLE gives: a column's STORAGE (other than its
 * type's), COMPRESSION and STATISTICS target, a table's REPLICA IDENTITY
 * and the index it is CLUSTERed on; a view column's default, and the
 * comments on a view's columns and a materialized view's indexes. Each row says how to set the value
 * (create) and how to put the default back (drop); `extra` names the
 * column or index the setting hangs on, which vh_diff_settings.c watches
 * for being dropped or rebuilt. Partitions are read too: their settings
 * are their own. */
#include "vh_introspect_int.h"

/* Tables and their columns, as the relations autogenerate reads. */
#define COLS                                                                               \
	" FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"                       \
	" JOIN pg_namespace n ON n.oid = c.relnamespace"                                   \
	" WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND" VH_IREL_OK("c")

#define ALTER_COLUMN "'ALTER TABLE ' || quote_ident(c.relname) || ' ALTER COLUMN ' || quote_ident(a.attname)"
#define COLUMN_NAME "quote_ident(c.relname) || '.' || quote_ident(a.attname)"

/* kind, what, name, table, def, create, drop, extra, comment, oid. */
static const char q_settings[] =
	"SELECT 0, 'SETTING', " COLUMN_NAME " || ' storage', quote_ident(c.relname), s.v,"
	" " ALTER_COLUMN " || ' SET STORAGE ' || s.v, " ALTER_COLUMN " || ' SET STORAGE ' || s.d,"
	" quote_ident(a.attname), NULL, c.oid"
	" FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
	" JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type ty ON ty.oid = a.atttypid,"
	" LATERAL (SELECT CASE a.attstorage WHEN 'p' THEN 'PLAIN' WHEN 'e' THEN 'EXTERNAL'"
	"  WHEN 'm' THEN 'MAIN' ELSE 'EXTENDED' END AS v, CASE ty.typstorage WHEN 'p' THEN 'PLAIN'"
	"  WHEN 'e' THEN 'EXTERNAL' WHEN 'm' THEN 'MAIN' ELSE 'EXTENDED' END AS d) s"
	" WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p')"
	" AND a.attstorage <> ty.typstorage AND" VH_IREL_OK("c")
	" UNION ALL"
	" SELECT 0, 'SETTING', " COLUMN_NAME " || ' compression', quote_ident(c.relname),"
	" s.v, " ALTER_COLUMN " || ' SET COMPRESSION ' || s.v,"
	" " ALTER_COLUMN " || ' SET COMPRESSION default', quote_ident(a.attname), NULL, c.oid"
	" FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
	" JOIN pg_namespace n ON n.oid = c.relnamespace,"
	" LATERAL (SELECT CASE a.attcompression WHEN 'p' THEN 'pglz' ELSE 'lz4' END AS v) s"
	" WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p')"
	" AND a.attcompression <> '' AND" VH_IREL_OK("c")
	" UNION ALL"
	/* -1 until PostgreSQL 16, NULL from 17 on, for the default. */
	" SELECT 0, 'SETTING', " COLUMN_NAME " || ' statistics', quote_ident(c.relname),"
	" a.attstattarget::text, " ALTER_COLUMN " || ' SET STATISTICS ' || a.attstattarget,"
	" " ALTER_COLUMN " || ' SET STATISTICS -1', quote_ident(a.attname), NULL, c.oid" COLS
	" AND coalesce(a.attstattarget::integer, -1) >= 0"
	" UNION ALL"
	" SELECT 0, 'SETTING', quote_ident(c.relname) || ' replica identity', quote_ident(c.relname),"
	" r.v, 'ALTER TABLE ' || quote_ident(c.relname) || ' REPLICA IDENTITY ' || r.v,"
	" 'ALTER TABLE ' || quote_ident(c.relname) || ' REPLICA IDENTITY DEFAULT', r.ix, NULL, c.oid"
	" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,"
	" LATERAL (SELECT (SELECT quote_ident(i.relname) FROM pg_index x JOIN pg_class i"
	"  ON i.oid = x.indexrelid WHERE x.indrelid = c.oid AND x.indisreplident) AS ix) x,"
	" LATERAL (SELECT CASE c.relreplident WHEN 'f' THEN 'FULL' WHEN 'n' THEN 'NOTHING'"
	"  ELSE 'USING INDEX ' || x.ix END AS v, CASE WHEN c.relreplident = 'i' THEN x.ix END AS ix) r"
	" WHERE c.relkind IN ('r', 'p') AND c.relreplident <> 'd' AND" VH_IREL_OK("c")
	" UNION ALL"
	" SELECT 0, 'SETTING', quote_ident(c.relname) || ' cluster', quote_ident(c.relname),"
	" 'ON ' || quote_ident(i.relname),"
	" 'ALTER TABLE ' || quote_ident(c.relname) || ' CLUSTER ON ' || quote_ident(i.relname),"
	" 'ALTER TABLE ' || quote_ident(c.relname) || ' SET WITHOUT CLUSTER', quote_ident(i.relname),"
	" NULL, c.oid"
	" FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid"
	" JOIN pg_namespace n ON n.oid = c.relnamespace"
	" WHERE x.indisclustered AND c.relkind = 'r' AND" VH_IREL_OK("c")
	/* A view column's default (for INSERT through the view). */
	" UNION ALL"
	" SELECT 0, 'SETTING', " COLUMN_NAME " || ' default', quote_ident(c.relname),"
	" pg_get_expr(d.adbin, d.adrelid), 'ALTER VIEW ' || quote_ident(c.relname)"
	"  || ' ALTER COLUMN ' || quote_ident(a.attname) || ' SET DEFAULT ' || pg_get_expr(d.adbin, d.adrelid),"
	" 'ALTER VIEW ' || quote_ident(c.relname) || ' ALTER COLUMN ' || quote_ident(a.attname)"
	"  || ' DROP DEFAULT', quote_ident(a.attname), NULL, c.oid"
	" FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid"
	" JOIN pg_namespace n ON n.oid = c.relnamespace"
	" JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.adnum"
	" WHERE c.relkind = 'v' AND" VH_IREL_OK("c")
	/* Comments that hang on a view rather than being part of it: on its
	 * columns, on a materialized view's indexes. */
	" UNION ALL"
	" SELECT 0, 'SETTING', " COLUMN_NAME " || ' comment', quote_ident(c.relname),"
	" quote_literal(ds.description), 'COMMENT ON COLUMN ' || " COLUMN_NAME " || ' IS '"
	"  || quote_literal(ds.description), 'COMMENT ON COLUMN ' || " COLUMN_NAME " || ' IS NULL',"
	" quote_ident(a.attname), NULL, c.oid"
	" FROM pg_description ds JOIN pg_class c ON ds.classoid = 'pg_class'::regclass"
	"  AND ds.objoid = c.oid JOIN pg_namespace n ON n.oid = c.relnamespace"
	" JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ds.objsubid"
	" WHERE ds.objsubid > 0 AND c.relkind IN ('v', 'm') AND" VH_IREL_OK("c")
	" UNION ALL"
	" SELECT 0, 'SETTING', quote_ident(i.relname) || ' comment', quote_ident(c.relname),"
	" quote_literal(ds.description), 'COMMENT ON INDEX ' || quote_ident(i.relname) || ' IS '"
	"  || quote_literal(ds.description), 'COMMENT ON INDEX ' || quote_ident(i.relname)"
	"  || ' IS NULL', quote_ident(i.relname), NULL, c.oid"
	" FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid"
	" JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_description ds ON ds.objoid = i.oid"
	"  AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0"
	" WHERE c.relkind = 'm' AND" VH_IREL_OK("c");

/* See vh_introspect_int.h. */
int vh_ireader_settings(vh_ireader *r)
{
	return vh_ireader_object_rows(r, q_settings, VH_IOBJ_SETTING);
}
