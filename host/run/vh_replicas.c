/* vh_replicas.c - waiting for the streaming standbys to replay what a run
 * committed (wait_for_replicas), so a deploy that starts application pods
 * after `vhost upgrade` never has them read a replica that lacks the new
 * column. synchronous_commit = remote_apply covers synchronous standbys
 * only; this covers every one in pg_stat_replication. */
#include "vh_clock.h"
#include "vh_replicas.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_db.h"
#include "vh_error.h"

/* One look at pg_stat_replication: the standbys that have not replayed up
 * to `lsn`, as "name (state, N bytes behind)" joined in `lag`. Returns how
 * many lag (and *total how many there are), or the error. */
static int lagging(PGconn *conn, const char *lsn, char *lag, size_t len, int *total)
{
	const char *params[1] = {lsn};
	PGresult *res;
	int rc, i, n = 0;

	rc = vh_db_query(&res, conn, "reading pg_stat_replication",
			 "SELECT coalesce(nullif(application_name, ''), host(client_addr), 'pid ' || pid), "
			 "coalesce(state, '?'), coalesce(replay_lsn >= $1::pg_lsn, false), "
			 "coalesce(pg_wal_lsn_diff($1::pg_lsn, replay_lsn)::bigint::text, 'unknown') "
			 "FROM pg_stat_replication ORDER BY 1",
			 1, params);
	if (rc < 0)
		return rc;
	lag[0] = '\0';
	*total = PQntuples(res);
	for (i = 0; i < PQntuples(res); i++) {
		if (strcmp(PQgetvalue(res, i, 2), "t") == 0)
			continue;
		snprintf(lag + strlen(lag), len - strlen(lag), "%s%s (%s, %s bytes behind)",
			 n ? ", " : "", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
			 PQgetvalue(res, i, 3));
		n++;
	}
	PQclear(res);
	return n;
}

int vh_replicas_wait(PGconn *conn, int timeout_ms, int quiet)
{
	const char *sql = "SELECT pg_current_wal_lsn()";
	char lsn[64], lag[1024];
	double start = vh_clock_ms(), said = -1;
	PGresult *res;
	int rc, total, delay = 20;

	if (timeout_ms <= 0)
		return 0;
	if ((rc = vh_db_query(&res, conn, "reading the WAL position", sql, 0, NULL)) < 0)
		return rc;
	snprintf(lsn, sizeof(lsn), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	for (;;) {
		if ((rc = lagging(conn, lsn, lag, sizeof(lag), &total)) < 0)
			return rc;
		if (rc == 0) {
			if (!quiet && total > 0)
				fprintf(stderr, "All %d standby%s replayed %s (waited %.1f s).\n",
					total, total == 1 ? "" : "s", lsn,
					(vh_clock_ms() - start) / 1000.0);
			else if (!quiet)
				fprintf(stderr, "No standby in pg_stat_replication to wait for.\n");
			return 0;
		}
		if (vh_clock_ms() - start >= timeout_ms)
			return vh_error_set(VH_ERR_GENERIC,
					    "timed out after %.1f s (wait_for_replicas) waiting for %d "
					    "standby%s to replay %s: %s. What the run committed stays "
					    "committed; check replication before sending reads to %s",
					    timeout_ms / 1000.0, rc, rc == 1 ? "" : "s", lsn, lag,
					    rc == 1 ? "it" : "them");
		/* The lag, once a second while waiting. */
		if (!quiet && (said < 0 || vh_clock_ms() - said >= 1000)) {
			fprintf(stderr, "Waiting for %d standby%s to replay %s: %s\n", rc,
				rc == 1 ? "" : "s", lsn, lag);
			said = vh_clock_ms();
		}
		vh_clock_sleep_ms(delay);
		delay = delay * 2 > 200 ? 200 : delay * 2;
	}
}
