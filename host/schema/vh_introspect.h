/* vh_introspect.h - one schema's tables read from pg_catalog into structs
 * that autogenerate can diff: columns, constraints, indexes and comments.
 *
 * Every text is SQL ready to paste into a statement, rendered by the server
 * with the schema alone (plus public) on the search_path: names through
 * quote_ident, types through format_type, defaults and predicates through
 * pg_get_expr, constraints through pg_get_constraintdef, comments through
 * quote_literal. Objects of the schema therefore read unqualified, so a
 * scratch copy of the schema and the real one compare textually.
 *
 * Covered: ordinary tables (not partitions, views or foreign tables), their
 * columns (type, collation, nullability, default, identity, stored
 * generation, serial), primary key, unique, check, exclusion and foreign
 * key constraints, indexes that back no constraint, and comments on tables,
 * columns, constraints and indexes. Not covered: sequences of their own,
 * views, types, functions, triggers, privileges. */
#ifndef VH_INTROSPECT_H
#define VH_INTROSPECT_H

#include <stddef.h>

#include <libpq-fe.h>

typedef struct vh_icolumn {
	const char *name;      /* quoted as needed */
	const char *type;      /* format_type: "character varying(40)" */
	const char *collation; /* "\"C\"" when not the type's default, else NULL */
	const char *def;       /* default expression, NULL when none or serial */
	const char *generated; /* GENERATED ALWAYS AS (<this>) STORED, or NULL */
	const char *comment;   /* a quoted literal, or NULL */
	char identity;         /* 'a' (always), 'd' (by default) or 0 */
	int notnull;
	int serial; /* the default is nextval() of a sequence the column owns */
} vh_icolumn;

typedef struct vh_icons {
	const char *name;
	char type;             /* p, u, f, c, x (pg_constraint.contype) */
	const char *def;       /* pg_get_constraintdef: "FOREIGN KEY (a) REFERENCES t(id)" */
	const char *ref_table; /* foreign keys: the referenced table, else NULL */
	const char *comment;
} vh_icons;

typedef struct vh_iindex {
	const char *name;
	int unique;
	const char *method;    /* btree, brin, gin, ... */
	const char *body;      /* "USING btree (lower(email)) WHERE (x > 0)": the
				* definition after the table name */
	const char *predicate; /* the WHERE expression alone, or NULL */
	const char *comment;
} vh_iindex;

typedef struct vh_itable {
	const char *name;
	const char *comment;
	vh_icolumn *cols; /* in attnum order */
	size_t ncols;
	vh_icons *cons; /* by name */
	size_t ncons;
	vh_iindex *idx; /* by name */
	size_t nidx;
	unsigned int oid;
} vh_itable;

/* Tables sorted by name (bytewise), so two schemas merge-join. */
typedef struct vh_ischema {
	vh_itable *tables;
	size_t ntables;
	void *arena; /* every string above lives here */
} vh_ischema;

/* Reads `schema` over `conn`: four queries whatever the number of tables.
 * `exclude` (NULL-terminated, may be NULL) names tables to leave out (vhost's
 * version and history tables). A missing schema reads as empty. Sets
 * search_path to the schema for the duration (SET LOCAL inside an open
 * transaction, SET otherwise) and puts the previous value back. On failure
 * returns VH_ERR_DB (server's message) or VH_ERR_NOMEM; on success *out is
 * the caller's, freed with vh_ischema_free(). */
int vh_introspect(vh_ischema **out, PGconn *conn, const char *schema,
		  const char *const *exclude);

/* Frees a schema read by vh_introspect; NULL does nothing. */
void vh_ischema_free(vh_ischema *s);

/* The table called `name` (quoted form), or NULL. Binary search. */
const vh_itable *vh_ischema_table(const vh_ischema *s, const char *name);

/* 1 when every value of type `from` fits type `to` unchanged (both as
 * format_type writes them): wider integers, longer or unlimited strings,
 * numerics with room on both sides of the point. 0 for anything else,
 * which autogenerate flags as possibly narrowing. */
int vh_type_widens(const char *from, const char *to);

#endif
