/* vh_heartbeat.h - a thread that renews the migration lock's lease while
 * the lease is held (vh_heartbeat.c says why). */
#ifndef VH_HEARTBEAT_H
#define VH_HEARTBEAT_H

#include <libpq-fe.h>

typedef struct vh_heartbeat vh_heartbeat;

/* Starts renewing: every `every_ms` the thread runs `renew_sql` on a
 * connection of its own, opened with `like`'s options. renew_sql is one
 * transaction whose last statement returns one row when it renewed the
 * lease and none when the lease is no longer this run's (the thread then
 * stops renewing); an error (a lost server) just waits for the next beat.
 * It may wait for a row lock as long as it takes: stopping cancels it. Returns 0 with
 * *out the caller's (vh_heartbeat_stop), or -1 when no thread could be
 * started (out of memory), *out NULL. */
int vh_heartbeat_start(vh_heartbeat **out, PGconn *like, const char *renew_sql, int every_ms);

/* Stops the thread, waits for it, closes its connection and frees `hb`.
 * NULL does nothing. */
void vh_heartbeat_stop(vh_heartbeat *hb);

#endif
