/* vh_run_int.h - what the parts of the online runner share: vh_run.c (the
 * plan as a whole), vh_run_step.c (one revision), vh_run_check.c (the checks
 * before anything runs). Private to them. */
#ifndef VH_RUN_INT_H
#define VH_RUN_INT_H

#include <libpq-fe.h>

#include "vh_loader.h"
#include "vh_lock.h"
#include "vh_run.h"

typedef struct run {
	vh_app *app;
	const vh_run_opts *o;
	vh_graph *g;
	PGconn *conn;
	vh_tables t;
	int in_txn;   /* a plan-wide transaction is open (single/dry-run) */
	vh_lock lock;        /* the migration lock, and whether a pooler is in use */
	char *settings;      /* through a transaction pooler: SET LOCAL search_path,
			      * lock_timeout, statement_timeout and the lease's fence;
			      * "" on a direct connection (set once per session) */
	size_t nsettings;    /* statements in settings */
	size_t nok;         /* results send_checked saw succeed before a failure */
	const vh_plan *plan; /* the steps run (the first nrun of them), and the */
	size_t nrun, step;   /* index of the one running, for prefetch_next */
	int have_next;       /* next_p and next_sha hold step next_idx's */
	size_t next_idx;
	vh_plugin next_p;
	char next_sha[65];
	char (*shas)[65];    /* per graph index: the drift check's SHA-256, or "" */
	char sysid[32];     /* with reconnect_timeout: the cluster's system identifier */
	char tli[32];       /* and its timeline, for checking a reconnect */
	char sqlstate[6];   /* the last failed step's SQLSTATE, "" when none */
	char hist_stmt[40]; /* prepared statements (prepare_steps), "" until then */
	char ver_stmt[40];  /* a linear step's UPDATE and history row in one */
	int session_set;    /* the settings were SET for the session (direct connection) */
} run;


/* Builds r->settings (and r->nsettings) for the lock r holds: the SET
 * LOCALs every revision's transaction starts with, and the lease's fence
 * through a transaction pooler (vh_run_step.c). */
int vh_run__settings(run *r);

/* The settings as session-level SETs, for a direct connection; a new
 * string, or NULL when out of memory (vh_run_common.c). */
char *vh_run__session_settings(const run *r);

/* Deallocates what vh_run__prepare_steps prepared and resets the session
 * settings it made; best effort, at the end of a run (vh_run_step.c). */
void vh_run__unprepare_steps(run *r);

/* Statements in `sql` as the server would split it; -1 unknown
 * (vh_run_common.c, libpg_query). */
int vh_run__count_statements(const char *sql);

/* Prepares the statements every step sends (vh_run_step.c). */
int vh_run__prepare_steps(run *r);

/* Runs one step, with retries on lock_timeout; 0 or the error. */
int vh_run__step(run *r, const vh_step *s);

/* Installs the reporters that say which revision a crash or an exit()
 * happened in, and what the database holds then. */
void vh_run__arm_crash_reports(void);

/* vh_run_check.c: whether the history table exists; refusing to run past an
 * interrupted non-transactional revision; refusing a changed plugin. */
int vh_run__history_exists(run *r, int *out);
int vh_run__check_interrupted(run *r);
int vh_run__check_drift(run *r, const size_t *cur, size_t ncur);

/* vh_run_resume.c: carrying on after a lost connection (reconnect_timeout).
 * vh_run__remember_server notes the cluster's identity at the start (only
 * with reconnect_timeout, so a run without pays nothing); can_resume says
 * whether step `s`, which just failed, may be resumed (the connection was
 * lost, the run is one transaction per revision, the revision is
 * transactional); resume reconnects, checks the cluster, retakes the lock
 * and replaces *plan with what is left from the version table towards
 * `target`. Each returns 0 (or 1 for yes) or the error. */
int vh_run__remember_server(run *r);
/* Reconnects `conn` with backoff until a primary answers or
 * reconnect_timeout passes, logging each attempt; a server whose system
 * identifier is not `sysid_was` (when known) is an error. Says when the
 * timeline changed, and updates both. */
int vh_run__reconnect(vh_app *app, PGconn *conn, char sysid_was[32], char tli_was[32]);
int vh_run__can_resume(const run *r, const vh_step *s);
int vh_run__resume(run *r, vh_plan *plan, const vh_step *lost, const size_t *target,
		   size_t ntarget);

#endif
