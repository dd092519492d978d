/* vh_lint_int.h - what the lint layer's files share: parsed SQL, the scan
 * state one revision is checked with, the catalog sizes, the revert check. */
#ifndef VH_LINT_INT_H
#define VH_LINT_INT_H

#include <pg_query.h>
#include <pg_query.pb-c.h>

#include "vh_lint.h"
#include "vh_revision.h"

/* ---------------------------------------------------------------------
 * Parsing (vh_lint_parse.c)
 * --------------------------------------------------------------------- */

/* One statement: its tree (NULL when the grammar refused it, with the
 * parser's message in `error`) and its text, trimmed. */
typedef struct vh_lint_stmt {
	PgQuery__Node *node;
	char *text;
	char *error;
} vh_lint_stmt;

typedef struct vh_lint_sql {
	PgQuery__ParseResult *tree; /* the whole script, when it parsed */
	PgQuery__ParseResult **pieces; /* else one tree per piece the scanner split */
	size_t npieces;
	vh_lint_stmt *stmts;
	size_t n;
} vh_lint_sql;

/* Parses `sql` (a revision's recorded script) into statements. When the
 * script as a whole is refused, it is split with PostgreSQL's scanner and
 * each piece is parsed alone, so one bad statement does not hide the rest.
 * Returns 0 or VH_ERR_NOMEM; *out is the caller's (vh_lint_sql_clear). */
int vh_lint_parse(vh_lint_sql *out, const char *sql);
void vh_lint_sql_clear(vh_lint_sql *s);

/* Calls fn on every message in the tree under `m` (itself included),
 * depth first, until fn returns non-zero; returns that value or 0. */
int vh_lint_walk(const ProtobufCMessage *m, int (*fn)(const ProtobufCMessage *m, void *user),
		 void *user);

/* The last element of a qualified name list (String nodes), or "". */
const char *vh_lint_name_last(PgQuery__Node **items, size_t n);

/* ---------------------------------------------------------------------
 * Rendering a revision, in a child process (vh_lint_render.c)
 * --------------------------------------------------------------------- */

typedef struct vh_lint_rendered {
	int status[2];    /* [0] upgrade, [1] downgrade: 0 rendered, 1 needed the server, 2 failed */
	char *why[2];     /* for 1 the call that needed it, for 2 the message */
	char *script[2];  /* what was recorded (up to where it stopped) */
	char **ignores;   /* VHOST_LINT_IGNORE: rule, why, rule, why, ... */
	size_t nignores;
	int crashed;      /* the child died or its message was cut: why[0] says how */
	char *load_error; /* internal */
} vh_lint_rendered;

/* Renders revs[0..n-1] (both directions, offline) in a forked child, in
 * order: vh_lint_renderer_next(z, i, r) for i = 0, 1, ... n-1 returns 0 (a
 * crash is r->crashed, not an error) or the plugin's load error, with *r
 * the caller's (vh_lint_rendered_clear). `revs` and `schema` must outlive
 * z; vh_lint_renderer_free stops a child still at work. NULL when out of
 * memory. */
typedef struct vh_lint_renderer vh_lint_renderer;
vh_lint_renderer *vh_lint_renderer_new(const vh_revision *const *revs, size_t n,
				       const char *schema);
int vh_lint_renderer_next(vh_lint_renderer *z, size_t i, vh_lint_rendered *r);
void vh_lint_renderer_free(vh_lint_renderer *z);

/* One revision, as a renderer of one would (the fleet's cache uses it). */
int vh_lint_render(vh_lint_rendered *r, const vh_revision *rev, const char *schema);
void vh_lint_rendered_clear(vh_lint_rendered *r);

/* The rendering vh_lint_cache_prime kept for `rev`, copied into *out
 * (vh_lint_rendered_clear): 1, or 0 when there is none (vh_lint_cache.c). */
int vh_lint_cache_get(vh_lint_rendered *out, const vh_revision *rev);

/* 1 when the cache holds `rev`, without copying it. */
int vh_lint_cache_has(const vh_revision *rev);

/* ---------------------------------------------------------------------
 * Catalog sizes (vh_lint_size.c)
 * --------------------------------------------------------------------- */

typedef struct vh_lint_size {
	int found;          /* the relation is in the catalog */
	double rows;        /* reltuples; -1 when never analyzed */
	long long heap;     /* pg_relation_size of the table */
	long long total;    /* pg_total_relation_size */
	char *qualified;    /* schema.name as found (the table, for an index) */
} vh_lint_size;

typedef struct vh_lint_sizer vh_lint_sizer;

/* A cache of size lookups over `conn` (borrowed), resolving unqualified
 * names against `schema`, then public, as the runner's search_path does. */
vh_lint_sizer *vh_lint_sizer_new(PGconn *conn, const char *schema);
void vh_lint_sizer_free(vh_lint_sizer *z);

/* Looks `name` up (an index resolves to its table). Returns 0 with *out
 * borrowed from the cache (out->found 0 when there is no such relation), or
 * VH_ERR_DB. */
int vh_lint_sizer_get(vh_lint_sizer *z, const char *schema, const char *name,
		      const vh_lint_size **out);

/* 1 when the table has a validated CHECK (col IS NOT NULL), so SET NOT NULL
 * does not scan it; 0 otherwise or when unknown. */
int vh_lint_sizer_has_notnull_check(vh_lint_sizer *z, const char *schema, const char *table,
				    const char *column);

/* ---------------------------------------------------------------------
 * Checking one revision (vh_lint_rules.c, vh_lint_alter.c)
 * --------------------------------------------------------------------- */

/* A growable list of names ("t", "t.col") the plan created or covered. */
typedef struct vh_lint_names {
	char **v;
	size_t n, cap;
} vh_lint_names;

/* Adds "a" or "a.b" (0, or VH_ERR_NOMEM); _has is 1 when it is there. */
int vh_lint_names_add(vh_lint_names *s, const char *a, const char *b);
int vh_lint_names_has(const vh_lint_names *s, const char *a, const char *b);
void vh_lint_names_clear(vh_lint_names *s);

typedef struct vh_lint_scan {
	vh_lint_report *rep;
	const vh_config *cfg;
	const vh_revision *rev;
	vh_lint_sizer *sizer;     /* NULL offline */
	vh_lint_names created;    /* relations created earlier in the plan: empty */
	vh_lint_names notnull_ok; /* table.col with a CHECK (col IS NOT NULL) validated in the plan */
	vh_lint_names notnull_pending; /* table.conname.col: such a check added NOT VALID */
	int nontx;                /* the revision runs outside a transaction */
	int timeout_set;          /* lock_timeout is in force (settings or SET) */
	int timeout_reported;     /* missing-lock-timeout said once per revision */
	unsigned stmt_no;
	const char *stmt_text;
	int failed;               /* out of memory or a catalog error */
} vh_lint_scan;

/* Checks one parsed statement, adding findings to s->rep. */
void vh_lint_check_stmt(vh_lint_scan *s, const PgQuery__Node *node);

/* ALTER TABLE, one subcommand at a time (vh_lint_alter.c). */
void vh_lint_check_alter(vh_lint_scan *s, const PgQuery__AlterTableStmt *a);

/* Adds a finding for rule `id` on `rel` (schema may be NULL or ""), with the
 * level weighted by the relation's size, the statement s->stmt_no, `lock`
 * (borrowed static text) and a printf message. */
void vh_lint_add(vh_lint_scan *s, const char *id, const char *schema, const char *rel,
		 const char *lock, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Takes lock `lock` on an existing relation: reports missing-lock-timeout
 * once per revision when nothing bounds the wait. */
void vh_lint_note_lock(vh_lint_scan *s, const char *schema, const char *rel, const char *lock);

/* 1 when `rel` was created earlier in the plan (so it is empty). */
int vh_lint_is_new(const vh_lint_scan *s, const char *rel);

/* ---------------------------------------------------------------------
 * Does the downgrade undo the upgrade? (vh_lint_revert.c)
 * --------------------------------------------------------------------- */

/* Compares what `up` creates with what `down` drops and adds a
 * downgrade-incomplete finding per object left behind. */
void vh_lint_check_revert(vh_lint_scan *s, const vh_lint_sql *up, const vh_lint_sql *down);

/* ---------------------------------------------------------------------
 * The report's storage (vh_lint_report.c)
 * --------------------------------------------------------------------- */

/* Removes (and frees) every finding of `rule`. */
void vh_lint_report_drop(vh_lint_report *r, const char *rule);

/* Appends a zeroed finding; NULL when out of memory. */
vh_lint_finding *vh_lint_report_push(vh_lint_report *r);

#endif
