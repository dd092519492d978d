/* vh_lock.h - the migration lock, whatever sits between vhost and the
 * server (docs/topologies.md).
 *
 * On a direct connection or through a session pooler it is a PostgreSQL
 * session advisory lock, taken by trying and polling (a blocking
 * pg_advisory_lock deadlocks against CREATE INDEX CONCURRENTLY, which waits
 * for every open transaction), with a bounded wait; the server releases it
 * when the session ends, so a killed vhost never leaves it behind. A dry run
 * or a single-transaction run takes the transaction-scoped kind instead.
 *
 * Through a transaction pooler consecutive transactions may land on
 * different server processes, so no session state can be relied on. The
 * lock is then a lease: a row in <version schema>.vhost_lock naming this
 * run's random token and an expiry, taken in a short transaction of its
 * own. Every revision's transaction starts with the fence (vh_lock_fence):
 * it renews the lease and fails unless this run's token still holds it, so
 * a run whose lease expired and was taken over cannot commit anything. */
#ifndef VH_LOCK_H
#define VH_LOCK_H

#include <libpq-fe.h>

#include "vh_app.h"
#include "vh_tables.h"

enum { VH_LOCK_NONE, VH_LOCK_SESSION, VH_LOCK_XACT, VH_LOCK_LEASE };

typedef struct vh_lock {
	int kind;          /* VH_LOCK_*: what is held now */
	int pooled;        /* a transaction pooler is in use (detected or set) */
	long long key;     /* the advisory lock key (vh_tables) */
	char token[33];    /* the lease's token: random hex */
	char *table;       /* the lease table, qualified (lease only) */
	char *fence;       /* the fence statement (lease only) */
	char *what;        /* the version table, for messages */
	int lease_ms;      /* how long the lease lasts unless renewed */
	struct vh_heartbeat *beat; /* renews the lease while it is held */
} vh_lock;

/* Takes the migration lock on app's connection `conn` for the version table
 * of `t`. First, in the same round trip as the first attempt on a direct
 * connection: refuses a read-only target (a standby in recovery, or
 * default_transaction_read_only) before anything runs, and, with
 * pooler = auto, tells a direct connection (libpq's backend pid is the
 * server's) from a pooler, and then a transaction pooler from a session
 * one (the server process changes between two transactions); -v says
 * which. `xact`: the caller wants a transaction open on return (dry runs,
 * --single-transaction), holding a transaction-scoped lock when there is no
 * pooler. Waits up to migration_lock_wait, saying once on stderr (unless
 * quiet) who holds it. Returns 0 or the error; *l (zeroed, or from an earlier
 * take, whose strings are freed) is the caller's, given
 * back with vh_lock_release even on failure. */
int vh_lock_take(vh_lock *l, vh_app *app, PGconn *conn, const vh_tables *t, int xact);

/* Takes the lock again on a new connection after a reconnect: the lease
 * with the same token (its row survived on the new primary), or a new
 * session lock. Returns 0 or the error. */
int vh_lock_retake(vh_lock *l, vh_app *app, PGconn *conn);

/* The statement to run first in every transaction that changes the
 * version table ("" when the lock is a session's): renews the lease, and
 * fails with SQLSTATE VH001 naming the version table unless this run still
 * holds it. */
const char *vh_lock_fence(const vh_lock *l);

/* Lets the lock go and checks that it was still held. A session lock the
 * server says this session did not hold is an error (others may have run
 * beside this run); a lease row no longer carrying this run's token is a
 * warning on stderr (the fence kept this run from committing without it).
 * A transaction-scoped lock goes with its transaction. Frees what *l
 * holds. Returns 0 or the error. */
int vh_lock_release(vh_lock *l, PGconn *conn);

/* Lease primitives (vh_lease.c), used by vh_lock_take. */
int vh_lease_init(vh_lock *l, const vh_tables *t, int lease_ms);
int vh_lease_acquire(vh_lock *l, PGconn *conn, int wait_ms, int quiet);
int vh_lease_release(vh_lock *l, PGconn *conn);

/* Polls `try_once` until it reports the lock taken (1), fails (< 0), or
 * `wait_ms` passes; `describe` names the holder for the waiting messages.
 * Shared by the advisory lock and the lease. */
typedef int (*vh_lock_try_fn)(void *user, PGconn *conn);
typedef void (*vh_lock_describe_fn)(void *user, PGconn *conn, char *buf, size_t len);
int vh_lock_poll(PGconn *conn, int wait_ms, const char *what, int quiet, vh_lock_try_fn try_once,
		 vh_lock_describe_fn describe, void *user);

#endif
