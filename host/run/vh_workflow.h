/* vh_workflow.h - the guard rails around a run that changes a database:
 * asking for confirmation in an environment that requires it, running the
 * environment's backup command before the first revision, and reporting a
 * dry run revision by revision. vh_run.c and cmd_stamp.c call these once the
 * plan is known, so nothing is asked or backed up when there is nothing to do. */
#ifndef VH_WORKFLOW_H
#define VH_WORKFLOW_H

#include <stddef.h>

#include <libpq-fe.h>

#include "vh_app.h"
#include "vh_plan.h"

/* Asks before a change when the settings say `confirm = true` (typically in
 * [env.production]). `what` describes the change in a line or a few
 * ("upgrade vibesia_schema: 2 revisions, ..."). Returns 0 at once when
 * confirmation is not required or `yes` (--yes) is set. Otherwise, when
 * standard input is a terminal, prints `what` and a prompt on stderr and
 * reads one line: "y" or "yes" (any case) goes ahead; anything else, or end
 * of input, is VH_ERR_GENERIC "cancelled: ...". When standard input is not a
 * terminal, nobody can answer: VH_ERR_GENERIC "environment 'production'
 * requires confirmation to upgrade ...; rerun with --yes" without reading. */
int vh_workflow_confirm(vh_app *app, const char *what, int yes);

/* Runs the settings' backup_command, when there is one, before anything is
 * changed. strftime sequences (%Y%m%d-%H%M%S; %% for a literal %) are
 * expanded to the local time first. The command runs with /bin/sh -c in the
 * settings file's directory (the one relative paths in it are relative to),
 * stdin from /dev/null and its output on our stderr, with the connection
 * `conn` uses exported as PG* variables (PGHOST, PGPORT, PGDATABASE, PGUSER,
 * PGSSLMODE, ..., PGPASSWORD only when the connection used one), and
 * VHOST_ENV and VHOST_SCHEMA set, so a bare `pg_dump -Fc -f FILE` dumps the
 * database being migrated. `no_backup` (--no-backup) skips it, saying so.
 * Returns 0, or VH_ERR_GENERIC naming the exit status or signal: a failed
 * backup stops the run before any change. */
int vh_workflow_backup(vh_app *app, PGconn *conn, int no_backup);

/* What run_online calls once the plan is known and not empty, before the
 * first revision of a real (not dry) run: describes the plan, asks for
 * confirmation, then runs the backup. Returns the first failure. */
int vh_workflow_before_run(vh_app *app, PGconn *conn, const vh_graph *g, const vh_plan *plan,
			   int up, int yes, int no_backup);

/* The dry run's report on stdout, after the plan ran (or stopped) inside the
 * transaction that is about to be rolled back: one line per step of
 * `plan` with its outcome ("ok", "FAILED", "not run", "not checked") and
 * time, and under a failed step PostgreSQL's message with its DETAIL and
 * HINT (e.g. the row that violates a new foreign key). `ms[i]` is step i's
 * time; steps [0, ndone) succeeded; when `failed` is set, step ndone failed
 * with the message in vh_error_last(); steps from `nrun` on were not run
 * because step nrun must run outside a transaction. `conn` is read for the
 * server's full message (nothing is sent). Does not touch the last-error
 * slot. */
void vh_workflow_dry_report(vh_app *app, PGconn *conn, const vh_graph *g, const vh_plan *plan,
			    const double *ms, size_t ndone, int failed, size_t nrun);

/* A scratch target for `vhost test` (or anything else that needs a
 * throwaway place to run revisions): a database of its own, or, when the
 * role lacks CREATEDB, a schema of its own in the configured database. */
typedef struct vh_scratch {
	char name[64];          /* vhost_test_<pid>_<hex>: the database or the schema */
	int is_schema;          /* 1: a schema in the configured database */
	PQconninfoOption *like; /* the configured connection's settings (password included) */
} vh_scratch;

/* Creates the scratch target over `admin`, the configured connection (idle):
 * CREATE DATABASE, or on SQLSTATE 42501 a scratch schema, which touches the
 * configured database and so goes through vh_workflow_confirm (`yes`) first;
 * the schema itself is created by whoever runs revisions in it. Returns 0 with
 * *s filled (release with vh_workflow_scratch_drop or _clear), or the error
 * with nothing created and *s empty. */
int vh_workflow_scratch_create(vh_scratch *s, vh_app *app, PGconn *admin, int yes);

/* A new connection to the scratch database, or to the configured database
 * for a scratch schema. NULL with the error set; the caller PQfinish()es it. */
PGconn *vh_workflow_scratch_connect(const vh_scratch *s);

/* Drops the scratch target (DROP DATABASE ... WITH (FORCE), or DROP SCHEMA
 * ... CASCADE) over a fresh connection, then releases *s (also on failure).
 * Returns 0 or VH_ERR_GENERIC naming the statement to run by hand. */
int vh_workflow_scratch_drop(vh_scratch *s);

/* Releases *s without dropping anything (vhost test --keep). */
void vh_workflow_scratch_clear(vh_scratch *s);

#endif
