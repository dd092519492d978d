/* vh_cancel.h - SIGINT and SIGTERM during a run: cancel the statement on
 * the server instead of abandoning it (vh_cancel.c).
 *
 * While armed, the first SIGINT or SIGTERM sends a cancel request for the
 * running statement (PQcancel, async-signal-safe with a PGcancel made in
 * advance) and keeps sending one every 200 ms while a revision runs, so a
 * statement the revision starts after the signal is cancelled too. The
 * runner sees vh_cancel_signal() and fails the step: it rolls back, writes
 * the history row, releases the lock and reports one FAILED line. A second
 * signal exits at once (status 1); the server rolls back what was not
 * committed. */
#ifndef VH_CANCEL_H
#define VH_CANCEL_H

#include <libpq-fe.h>

/* Installs the handlers for a run on `conn`. A SIGINT the process
 * inherited as ignored stays ignored. Returns 0 or VH_ERR_NOMEM. */
int vh_cancel_arm(PGconn *conn);

/* Restores the previous handlers and frees the cancel object; nothing
 * when not armed. */
void vh_cancel_disarm(void);

/* After a reconnect (failover): the cancel requests go to the new
 * backend. Does nothing when not armed. Returns 0 or VH_ERR_NOMEM. */
int vh_cancel_refresh(PGconn *conn);

/* Whether a revision is running now: only then are cancel requests sent
 * (never while the runner rolls back, records or unlocks). */
void vh_cancel_running(int on);

/* The signal received while armed (SIGINT, SIGTERM), or 0. */
int vh_cancel_signal(void);

/* Sets the error for an interrupted run: "interrupted by SIGTERM <what>;
 * <outcome>". Returns VH_ERR_GENERIC. */
int vh_cancel_error(const char *what, const char *outcome);

#endif
