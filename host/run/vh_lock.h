/* vh_lock.h - the migration lock: a PostgreSQL session advisory lock, taken
 * by trying and polling (a blocking pg_advisory_lock deadlocks against
 * CREATE INDEX CONCURRENTLY, which waits for every open transaction), with a
 * bounded wait. Released explicitly, and by the server when the session
 * ends, so a killed vhost never leaves it behind. */
#ifndef VH_LOCK_H
#define VH_LOCK_H

#include <libpq-fe.h>

/* Takes the lock `key`, waiting up to `wait_ms` (polling with jittered
 * backoff from 50 ms to 0.5 s). When it has to wait, says so once on stderr
 * (unless quiet), naming the holder's pid, application and client when
 * visible. Returns 0, or VH_ERR_GENERIC "timed out after 300 s waiting for
 * the migration lock on vibesia_schema.alembic_version (held by pid 1234,
 * ...)". `what` names the version table for messages. */
int vh_lock_acquire(PGconn *conn, long long key, int wait_ms, const char *what, int quiet);

/* Releases the lock; errors are ignored (the session's end releases it too). */
void vh_lock_release(PGconn *conn, long long key);

/* Takes the lock for the current transaction only (dry runs, which must
 * leave nothing behind); same waiting as vh_lock_acquire. */
int vh_lock_acquire_xact(PGconn *conn, long long key, int wait_ms, const char *what, int quiet);

#endif
