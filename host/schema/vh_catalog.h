/* vh_catalog.h - one schema's catalog as a sorted list of comparable
 * entries, and the difference between two such lists.
 *
 * An entry is (kind, name, definition): ("column", "users.email",
 * "character varying(255) not null"), ("constraint", "songs.songs_album_id_fkey",
 * "FOREIGN KEY (album_id) REFERENCES albums(id) ON DELETE CASCADE"). Names are
 * relative to the schema, so two schemas (a scratch copy and the real one)
 * compare as well as two moments of the same schema. `vhost test` compares
 * the catalog around each downgrade; autogenerate can diff a model the same
 * way.
 *
 * What is covered: tables (persistence, partitioning, row level security),
 * views and materialized views (definition), sequences (type and options),
 * columns (type, collation, nullability, identity, default or generation
 * expression), constraints (pg_get_constraintdef: keys, checks, foreign keys
 * with their actions and deferrability, NOT VALID), indexes, triggers,
 * row-level-security policies, comments on tables and columns, enum, domain
 * and composite types, functions and procedures (signature, result,
 * language, volatility and a digest of the body), extensions installed in
 * the schema (their own members are left out), storage parameters and view
 * options, privileges other than the owner's (on relations, columns,
 * routines, types; default privileges), publications holding the schema's
 * tables, event triggers, rules, extended statistics, collations,
 * operators, text search configurations, conversions, and comments on all
 * of these, the privileges on the schema itself (but its owner's and
 * those of the role connected), column settings (storage, compression,
 * statistics target), replica identity, clustering, inheritance,
 * tablespaces and access methods, and the schema's own comment. Not
 * covered: ownership, security labels. Column order is not
 * compared: drop-and-re-add moves a column to the end, and nothing but
 * SELECT * can tell. */
#ifndef VH_CATALOG_H
#define VH_CATALOG_H

#include <stddef.h>
#include <stdio.h>

#include <libpq-fe.h>

typedef struct vh_catalog vh_catalog;

typedef struct vh_catalog_entry {
	const char *kind; /* table, view, materialized view, sequence, column, constraint, ... */
	const char *name; /* "users", "users.email", "songs.songs_pkey", "lower_email(text)" */
	const char *def;  /* "" when the kind says it all (a plain table) */
} vh_catalog_entry;

/* Reads the catalog of `schema` over `conn`. `exclude` (NULL-terminated, may
 * be NULL) names tables of that schema to leave out together with their
 * columns, constraints, indexes, triggers, policies, comments and the
 * sequences they own: vhost's own version and history tables. A schema that
 * does not exist gives an empty catalog.
 *
 * The queries run with search_path set to the schema alone, so definitions
 * name objects of the schema unqualified (and objects elsewhere qualified);
 * the session's search_path is put back before returning. Works inside an
 * open transaction (a dry run's) as well as outside one. On failure returns
 * VH_ERR_DB with the server's message; on success *out is the caller's,
 * freed with vh_catalog_free(). */
int vh_catalog_snapshot(vh_catalog **out, PGconn *conn, const char *schema,
			const char *const *exclude);

/* Frees a catalog; NULL does nothing. */
void vh_catalog_free(vh_catalog *cat);

/* Removes every entry of `kind` (what a comparison must not see); NULL
 * does nothing. */
void vh_catalog_drop_kind(vh_catalog *cat, const char *kind);

/* Number of entries, and entry `i` in order: by the table an entry belongs
 * to, then kind (table, column, constraint, index, trigger, policy,
 * comment), then name, bytewise. Entries are owned by the catalog. */
size_t vh_catalog_count(const vh_catalog *cat);
const vh_catalog_entry *vh_catalog_get(const vh_catalog *cat, size_t i);

/* The entry with that kind and name, or NULL. Binary search. */
const vh_catalog_entry *vh_catalog_find(const vh_catalog *cat, const char *kind,
					const char *name);

/* The whole catalog as text, one "kind name: def" line per entry (or "kind
 * name" when def is empty), in order: two catalogs are equal exactly when
 * their texts are. Returns NULL only when out of memory; caller frees. */
char *vh_catalog_text(const vh_catalog *cat);

/* 1 when both catalogs hold the same entries, else 0. */
int vh_catalog_equal(const vh_catalog *a, const vh_catalog *b);

/* Writes the difference from `a` (expected) to `b` (actual), one line per
 * entry, each starting with `indent` (NULL = ""):
 *   "- index users.users_email_idx: CREATE INDEX ..."   only in a
 *   "+ index users.users_email_idx: CREATE INDEX ..."   only in b
 *   "~ column users.email: text not null -> text"        in both, changed
 * Returns the number of lines written (0 when equal). `out` NULL only
 * counts. */
size_t vh_catalog_diff(FILE *out, const vh_catalog *a, const vh_catalog *b, const char *indent);

/* Calls fn(ctx, a_entry, b_entry) for each difference from `a` to `b`, in
 * order: (entry, NULL) only in a, (NULL, entry) only in b, (entry, entry)
 * in both with different definitions. Returns the number of calls. */
typedef void (*vh_catalog_walk_fn)(void *ctx, const vh_catalog_entry *a,
				   const vh_catalog_entry *b);
size_t vh_catalog_walk(const vh_catalog *a, const vh_catalog *b, vh_catalog_walk_fn fn, void *ctx);

/* Row counts: not the catalog, but what `vhost test` and the dry-run tests
 * compare next to it. */

/* Counts the rows of every table of `schema` (partitioned tables count their
 * own rows only, so nothing is counted twice), leaving out `exclude` as
 * vh_catalog_snapshot does, into *out: "table count\n" lines in bytewise
 * table order, so two counts compare with strcmp. An unknown schema gives
 * "". Returns 0 or VH_ERR_DB; *out is the caller's (free). */
int vh_catalog_row_counts(char **out, PGconn *conn, const char *schema,
			  const char *const *exclude);

/* Writes one line per table whose count differs between two texts from
 * vh_catalog_row_counts, each starting with `indent` (NULL = ""):
 *   "flow_rows: 3 rows -> 0 rows", "old_table: 3 rows -> no table",
 *   "new_table: no table -> 2 rows".
 * Returns the number of lines (0 when the counts agree); `out` NULL only
 * counts. */
size_t vh_catalog_row_counts_diff(FILE *out, const char *a, const char *b, const char *indent);

#endif
