/* vh_lint.h - `vhost lint`: what each pending revision will lock, rewrite or
 * destroy, before it runs.
 *
 * Each revision of the plan is rendered offline (the recording SDK context
 * `upgrade --sql` uses), its statements are parsed with PostgreSQL's own
 * parser (libpg_query, the PostgreSQL 15 grammar) and checked against the
 * rules in vh_lint_rules.c. When a database is at hand, the findings on a
 * relation are weighted by its size in the catalog (vh_lint_size.c): a
 * blocking index build on an empty table is a note, on a large one an error.
 * A revision silences a finding with VHOST_LINT_IGNORE("rule", "why"), read
 * after dlopen() while it is rendered; the finding stays in the report with
 * the reason. The lock trace (vh_lint_trace.c) runs the revisions in a
 * scratch database and records, per statement, the locks pg_locks shows. */
#ifndef VH_LINT_H
#define VH_LINT_H

#include <stdio.h>

#include "vh_app.h"

struct vh_plan;

typedef enum vh_lint_level { VH_LINT_NOTE, VH_LINT_WARNING, VH_LINT_ERROR } vh_lint_level;

/* One rule: its id (what VHOST_LINT_IGNORE names), its level offline, and
 * whether the level follows the relation's size when connected. */
typedef struct vh_lint_rule {
	const char *id;
	vh_lint_level level;
	int sized;
	const char *summary; /* one line: what goes wrong */
	const char *fix;     /* one line: what to do instead */
} vh_lint_rule;

/* The rules, in the order docs/lint.md lists them; vh_lint_rule_find(NULL)
 * style lookups go through vh_lint_rule_find(). */
extern const vh_lint_rule vh_lint_rules[];
extern const size_t vh_lint_nrules;
const vh_lint_rule *vh_lint_rule_find(const char *id);

/* A lock one statement took, as pg_locks showed it (the trace). */
typedef struct vh_lint_lock {
	char *relation; /* schema.name */
	char *mode;     /* AccessExclusiveLock, ... */
} vh_lint_lock;

typedef struct vh_lint_finding {
	const vh_lint_rule *rule;
	vh_lint_level level; /* after size weighting */
	char *revision;      /* the revision's id */
	char *path;          /* its .so */
	unsigned stmt;       /* 1-based statement of its upgrade(); 0 = the revision as a whole */
	char *statement;     /* that statement's text (NULL for 0) */
	char *relation;      /* the relation it acts on, or NULL */
	const char *lock;    /* the lock the grammar says it takes ("ACCESS EXCLUSIVE"), or NULL */
	char *message;       /* what happens, one line */
	char *size;          /* "1200000 rows, 84 MB", "created in this plan", or NULL (offline) */
	char *ignored;       /* the VHOST_LINT_IGNORE reason, or NULL */
	vh_lint_lock *traced; /* locks measured for this statement (lint --trace), or NULL */
	size_t ntraced;
} vh_lint_finding;

/* The measured locks of one statement (lint --trace, test --trace-locks). */
typedef struct vh_lint_traced {
	char *revision;
	unsigned stmt;   /* 0: the revision as a whole (it could not be split) */
	char *statement;
	vh_lint_lock *locks;
	size_t nlocks;
} vh_lint_traced;

typedef struct vh_lint_report {
	vh_lint_finding *f;
	size_t n, cap;
	size_t nrevs;       /* revisions linted */
	int online;         /* sizes came from the database */
	char *database;     /* where they came from (password masked), or NULL */
	vh_lint_traced *trace;
	size_t ntrace, trace_cap;
	int traced;         /* a trace ran */
} vh_lint_report;

typedef struct vh_lint_opts {
	const char *spec; /* what `upgrade SPEC` would run, or REV:REV; NULL = head */
	int all;          /* every revision, base to heads */
	int offline;      /* do not connect: rule-default levels, range from base */
	int trace;        /* run the plan in a scratch database, recording locks */
	int yes;          /* confirm a scratch schema (trace) where required */
} vh_lint_opts;

/* Lints what `o` selects into *out (the caller's, vh_lint_report_clear even
 * on failure). Connects unless o->offline; without a reachable database it
 * lints offline and says so on stderr. Returns 0 (whatever the findings),
 * or an error: a bad spec, a plugin that does not load, SQL that the
 * grammar refuses is a finding, not an error. */
int vh_lint_run(vh_lint_report *out, vh_app *app, const vh_lint_opts *o);

/* The highest level among the findings not ignored; -1 when none. */
int vh_lint_worst(const vh_lint_report *r);

void vh_lint_report_clear(vh_lint_report *r);

typedef enum vh_lint_format { VH_LINT_TEXT, VH_LINT_JSON, VH_LINT_SARIF } vh_lint_format;

/* Writes the report. Text: one block per finding, then a summary line;
 * `min` hides findings below that level (the upgrade hook shows warnings
 * and errors). JSON and SARIF 2.1.0 always hold everything. */
void vh_lint_print(FILE *out, const vh_lint_report *r, vh_lint_format fmt, vh_lint_level min);

/* The `lint` setting: "off", "warn" (default) or "error". Returns 0 with
 * *mode 0/1/2, or VH_ERR_USAGE naming the key. */
int vh_lint_mode(const vh_app *app, int *mode);

/* What `upgrade` runs first (cmd_upgrade.c) and `vhost test` includes:
 * lints the plan of `upgrade spec` (all revisions when `all`) as the `lint`
 * setting says: off does nothing; warn prints warnings and errors on stderr
 * and goes on; error also refuses (VH_ERR_GENERIC) when one is at error
 * level, before anything has run. *worst (may be NULL) gets
 * vh_lint_worst(). */
int vh_lint_gate(vh_app *app, const char *spec, int all, int *worst);

/* Runs the revisions of the plan in `r` order in a scratch database and
 * attaches the locks each statement took (vh_lint_trace.c). */
int vh_lint_trace(vh_lint_report *r, vh_app *app, const struct vh_plan *plan, int yes);

/* Prints the trace alone. */
void vh_lint_print_trace(FILE *out, const vh_lint_report *r);

/* `vhost test --trace-locks`: every revision, base to heads, run in a
 * scratch database of its own with each statement's locks printed. */
int vh_lint_trace_locks(vh_app *app, int yes);

/* For a fleet, before its children fork: renders revisions revs[0..n) of g
 * once (in forked children, as the gate does) and keeps each rendering that
 * does not depend on the target's schema, so the gate in every child
 * parses the kept script instead of rendering it again. A revision that
 * cannot be kept is left to the gate. Returns 0 or VH_ERR_NOMEM
 * (vh_lint_cache.c). */
int vh_lint_cache_prime(const vh_graph *g, const size_t *revs, size_t n, const char *schema);
void vh_lint_cache_clear(void);

#endif
