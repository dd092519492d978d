/* vh_run.h - running a plan against PostgreSQL (vh_run.c) or rendering it
 * as a script (vh_offline.c), and the pieces both share. */
#ifndef VH_RUN_H
#define VH_RUN_H

#include <stddef.h>

#include "vh_app.h"
#include "vh_plan.h"
#include "vh_tables.h"

typedef struct vh_run_opts {
	int up;               /* 1 upgrade, 0 downgrade */
	int sql;              /* --sql: print the script, touch no database */
	int dry_run;          /* --dry-run: one transaction, always rolled back */
	int single_txn;       /* --single-transaction / transaction_per_revision=false */
	int ignore_drift;     /* --ignore-drift */
	int retry_interrupted;/* --retry-interrupted */
	int no_backup;        /* --no-backup */
	int yes;              /* --yes */
	const char *wait_for_replicas; /* --wait-for-replicas DURATION, or NULL */
	const char *tag;      /* --tag TEXT, recorded in each history row */
	int with_history;     /* --sql --with-history: the script writes history rows */
	/* Called once per online run on the open connection, after the
	 * server's identity is noted and before the lock is taken (the lint
	 * gate, which lives above this layer): a failover while it runs is
	 * retried like any other before the first revision. < 0 stops the run. */
	int (*gate)(vh_app *app, const char *spec);
} vh_run_opts;

/* `vhost upgrade SPEC` / `vhost downgrade SPEC`, online or offline. */
int vh_run(vh_app *app, const char *spec, const vh_run_opts *opts);

/* Offline (vh_offline.c): `upgrade --sql [START:]END` and `downgrade --sql
 * START:END`. Plans from START (base when absent) without any database, runs
 * each revision against a recording context, and prints the script on stdout
 * only when every revision rendered: a revision that needs a live server is
 * an error naming it, and nothing is printed. */
int vh_offline_run(vh_app *app, const char *spec, const vh_run_opts *opts);

/* The plan of `[START:]END` without a database (START absent: from base),
 * as `--sql` makes it; *from_base is 1 when it starts from no revision.
 * *plan is the caller's (vh_plan_clear). */
int vh_offline_plan(vh_plan *plan, const vh_graph *g, const char *spec, int up, int *from_base);

/* Runs one revision's upgrade (up) or downgrade against a new recording
 * context, for `--sql` and `vhost lint`. Returns what the revision
 * returned, or VH_ERR_NOMEM with *out NULL; the revision reads `xargs` (-x)
 * through vh_xarg(); *out is the caller's
 * (vh_ctx_free), to read the script and vh_ctx_needs_online() from. */
struct vh_plugin;
struct vh_ctx;
struct vh_revision;
int vh_offline_record(const struct vh_plugin *p, const struct vh_revision *rev,
		      const char *schema, int up, const char *const *xargs, size_t nxargs,
		      struct vh_ctx **out);

/* Maps version-table rows to graph indexes. An id no plugin provides is
 * Alembic's "Can't locate revision identified by 'x'" with what to do. *out
 * is the caller's (free). */
int vh_run_map_versions(const vh_graph *g, char **ids, size_t n, size_t **out);

/* The SQL of one version-table action, in Alembic's shape (no semicolon);
 * caller frees. `returning` adds Alembic's RETURNING clause (offline). */
char *vh_run_action_sql(const vh_tables *t, const vh_graph *g, const vh_vt_action *a,
			int returning);


/* Reads the current heads without taking the lock (read-only commands):
 * connects, reads the version table (none yet = base), and maps the rows to
 * graph indexes into *cur (the caller's, free). *ids gets the raw rows
 * (vh_strv_free). */
int vh_run_read_current(vh_app *app, char ***ids, size_t **cur, size_t *n);

/* The drift check `upgrade` runs, for the read-only commands (check,
 * current -v): VH_ERR_GENERIC naming the first applied revision (of the
 * current heads `cur`) whose plugin differs from the one recorded when it
 * was applied; 0 when none does or there is no history table yet. */
int vh_run_check_drift(vh_app *app, const size_t *cur, size_t ncur);

/* Refuses a range whose sides are the wrong way round: `older` (START of
 * an upgrade or `history -r`, END of a downgrade) holding a strict
 * descendant of a revision in `newer`. VH_ERR_USAGE: "the range 'e59b:3b8e'
 * is reversed: ... (an upgrade range goes from the older revision to the
 * newer: 3b8e:e59b)"; `what` names the kind ("an upgrade range"), `up`
 * says which side the older one is on. */
int vh_run_check_range(const vh_graph *g, const char *text, const char *what, int up,
		       const size_t *older, size_t nolder, const size_t *newer, size_t nnewer);

/* The query for the SHA-256 each revision's plugin had when last applied
 * (or recorded by `vhost repair`): revision, plugin_sha256, when. NULL
 * when out of memory; caller frees. */
char *vh_run_applied_sha_sql(const vh_tables *t);

/* Resolves spec text (no range) against the current heads into a malloc'd
 * index set in *out (count in *n). */
int vh_run_resolve(const vh_graph *g, const char *text, unsigned flags, const size_t *cur,
		   size_t ncur, size_t **out, size_t *n);

#endif
