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
 * Covered: ordinary and partitioned tables and partitions (not views or
 * foreign tables; a partition's copies of its parent's keys and indexes are
 * left out), their
 * columns (type, collation, nullability, default, identity, stored
 * generation, serial), primary key, unique, check, exclusion and foreign
 * key constraints, indexes that back no constraint, and comments on tables,
 * columns, constraints and indexes; enum types, sequences of their own,
 * views and materialized views (with their indexes), functions and
 * procedures, triggers, domains, composite types, extensions and other
 * schemas a model creates, row level security, policies, privileges and
 * table and column settings (storage, compression, statistics target,
 * replica identity, clustering, view column defaults and comments) as
 * vh_iobject (autogenerate adds the schema's own privileges, comment and
 * default privileges: vh_introspect_nsp_acl.h). Everything else is left to the
 * catalog inventory (vh_inventory.h), which names what differs. */
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
	/* Partitioning (vh_introspect_types.c explains): the key of a
	 * partitioned table ("RANGE (at)"), else NULL; a partition's parent
	 * (quoted) and bound ("FOR VALUES FROM (1) TO (2)"), else NULL; how many
	 * parents up it has (0 for a table that is no partition). */
	const char *partkey;
	const char *parent;
	const char *bound;
	int depth;
	/* A partition's constraints and indexes that are its parent's, each
	 * "name\x1fstatement that drops it once detached", separated by
	 * "\x1e"; NULL for none. */
	const char *inherited;
} vh_itable;

/* An object of its own kind (vh_introspect_objects.c): an enum type, a
 * sequence (not one a serial or identity column owns), a view or
 * materialized view, a function or procedure, or a trigger. Every text is
 * the server's own rendering, unqualified. */
typedef enum vh_iobj_kind {
	VH_IOBJ_ENUM,
	VH_IOBJ_SEQUENCE,
	VH_IOBJ_FUNCTION,
	VH_IOBJ_VIEW,
	VH_IOBJ_TRIGGER,
	/* vh_introspect_types.c */
	VH_IOBJ_DOMAIN,
	VH_IOBJ_COMPOSITE,
	VH_IOBJ_EXTENSION,
	VH_IOBJ_SCHEMA, /* other schemas a model creates (vh_introspect_schemas.c) */
	/* vh_introspect_acl.c, diffed by vh_diff_acl.c: */
	VH_IOBJ_RLS,    /* a table's ENABLE/FORCE ROW LEVEL SECURITY */
	VH_IOBJ_POLICY, /* name "p ON t" */
	VH_IOBJ_GRANT,  /* one privilege of one grantee on one object */
	/* vh_introspect_settings.c, diffed by vh_diff_settings.c: */
	VH_IOBJ_SETTING /* a column's STORAGE, COMPRESSION, STATISTICS; a table's
			 * REPLICA IDENTITY, CLUSTER ON */
} vh_iobj_kind;

typedef struct vh_iobject {
	vh_iobj_kind kind;
	const char *what;    /* SQL's word: "TYPE", "SEQUENCE", "VIEW", "MATERIALIZED VIEW",
			      * "FUNCTION", "PROCEDURE", "TRIGGER" */
	const char *name;    /* quoted; a routine with its argument types: "f(integer)" */
	const char *table;   /* a trigger's table; a sequence's OWNED BY column
			      * ("t.c"); else NULL */
	const char *def;     /* what is compared: the whole definition */
	const char *create;  /* the statement(s) that create it, several separated
			      * by "\x1e" (a materialized view's indexes) */
	const char *drop;    /* the statement that drops it */
	const char *extra;   /* enum: labels, quoted, separated by "\x1f"; sequence:
			      * the ALTER SEQUENCE options; routine: kind and
			      * result; view: ",rel,rel," it reads from */
	const char *comment; /* a quoted literal, or NULL */
	unsigned int oid;    /* creation order, for views over views */
} vh_iobject;

/* Tables sorted by name (bytewise), so two schemas merge-join; objects by
 * kind, then name. */
typedef struct vh_ischema {
	vh_itable *tables;
	size_t ntables;
	vh_iobject *objs;
	size_t nobjs;
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

/* The object of that kind and name (and table, for a trigger; NULL
 * otherwise), or NULL. Binary search. */
const vh_iobject *vh_ischema_object(const vh_ischema *s, vh_iobj_kind kind, const char *name,
				    const char *table);

/* 1 when every value of type `from` fits type `to` unchanged (both as
 * format_type writes them): wider integers, longer or unlimited strings,
 * numerics with room on both sides of the point. 0 for anything else,
 * which autogenerate flags as possibly narrowing. */
int vh_type_widens(const char *from, const char *to);

#endif
