/* vh_introspect_int.h - what the files of the introspection share: the
 * string arena every vh_ischema keeps its texts in, and the reader that
 * fills a schema one catalog query at a time. Private to host/schema. */
#ifndef VH_INTROSPECT_INT_H
#define VH_INTROSPECT_INT_H

#include <stddef.h>

#include <libpq-fe.h>

#include "vh_introspect.h"

/* SQL pieces of the object queries: not a member of an extension (`cat`
 * the catalog, `oid` the object's oid), and the object's comment as a
 * quoted literal. */
#define NOT_EXT(cat, oid)                                                                  \
	" AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '" cat "'::regclass"   \
	"  AND e.objid = " oid " AND e.deptype = 'e')"

#define COMMENT(cat, oid)                                                                  \
	" (SELECT quote_literal(ds.description) FROM pg_description ds WHERE ds.objoid = " oid \
	"  AND ds.classoid = '" cat "'::regclass AND ds.objsubid = 0)"

/* Relations of the schema that are not excluded, nor sequences an
 * excluded table owns (vhost's history id, which the schema's default
 * privileges reach too), nor extension members. */
#define VH_IREL_OK(c)                                                                          \
	" n.nspname = $1 AND " c ".relname <> ALL ($2::text[])"                           \
	" AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass" \
	"  AND e.objid = " c ".oid AND (e.deptype = 'e' OR (e.deptype IN ('a', 'i')"       \
	"  AND e.refclassid = 'pg_class'::regclass AND e.refobjid IN (SELECT x.oid"        \
	"  FROM pg_class x WHERE x.relnamespace = " c ".relnamespace"                      \
	"  AND x.relname = ANY ($2::text[])))))"

/* A list of big blocks holding NUL-terminated strings, freed at once. */
typedef struct vh_arena {
	struct vh_arena *next;
	size_t used, cap;
	char data[];
} vh_arena;

/* Copies `s` (n bytes, plus a NUL) into the arena `*a`. NULL when out of
 * memory; the copy lives until the arena is freed. */
char *vh_arena_strndup(vh_arena **a, const char *s, size_t n);

/* Frees every block of an arena; NULL does nothing. */
void vh_arena_free(vh_arena *a);

/* One vh_introspect() call: $1 of every query is the schema, $2 the
 * excluded table names (text[]). */
typedef struct vh_ireader {
	PGconn *conn;
	const char *params[2];
	vh_ischema *s;
	vh_arena *arena;
	size_t *by_oid; /* table positions sorted by oid */
} vh_ireader;

/* Field (row, col) copied into the arena; NULL for SQL NULL. *oom is set
 * when out of memory. */
const char *vh_ireader_field(vh_ireader *r, const PGresult *res, int row, int col, int *oom);

/* Runs one query with the reader's two parameters; *out is the caller's. */
int vh_ireader_run(vh_ireader *r, PGresult **out, const char *sql, const char *what);

/* The tables of the schema (sorted by name, with the oid index), then
 * their columns, constraints and indexes: one query each. Errors:
 * VH_ERR_DB, VH_ERR_NOMEM. */
int vh_ireader_tables(vh_ireader *r);
int vh_ireader_columns(vh_ireader *r);
int vh_ireader_constraints(vh_ireader *r);
int vh_ireader_indexes(vh_ireader *r);

/* Enums, sequences, routines, views and triggers (vh_introspect_objects.c),
 * one query each, into r->s->objs sorted by kind and name. */
int vh_ireader_objects(vh_ireader *r);

/* Runs one object query (columns as in vh_introspect_objects.c) and
 * appends its rows to r->s->objs (unsorted); `kind` >= 0 overrides the
 * kind the rows carry. */
int vh_ireader_object_rows(vh_ireader *r, const char *sql, int kind);

/* Domains, composite types and extensions (vh_introspect_types.c),
 * appended with vh_ireader_object_rows. */
int vh_ireader_types(vh_ireader *r);

/* Sorts a schema's objects again after some were added. */
void vh_ischema_sort_objects(vh_ischema *s);

/* Row-level security, policies and privileges (vh_introspect_acl.c),
 * appended with vh_ireader_object_rows. */
int vh_ireader_acl(vh_ireader *r);

/* Table and column settings (vh_introspect_settings.c), likewise. */
int vh_ireader_settings(vh_ireader *r);

/* The part of pg_get_indexdef's text after the table name ("USING btree
 * (a) WHERE ..."): a pointer into `def`, or `def` itself when it is not
 * shaped as expected. */
const char *vh_index_body(const char *def);

#endif
