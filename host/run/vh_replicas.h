/* vh_replicas.h - waiting for streaming standbys (wait_for_replicas). */
#ifndef VH_REPLICAS_H
#define VH_REPLICAS_H

#include <libpq-fe.h>

/* Waits until every standby in the primary's pg_stat_replication has
 * replayed the WAL written so far (pg_current_wal_lsn() now), printing the
 * lag once a second while it waits (unless quiet). Gives up after
 * `timeout_ms` with VH_ERR_GENERIC naming each lagging standby and how far
 * behind it is. `timeout_ms` <= 0 returns at once. A standby whose position
 * the role may not read (grant pg_monitor) counts as lagging. Returns 0 or
 * the error. */
int vh_replicas_wait(PGconn *conn, int timeout_ms, int quiet);

#endif
