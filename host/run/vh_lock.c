/* vh_lock.c - polling for the migration advisory lock. */
#include "vh_clock.h"
#include "vh_lock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vh_db.h"
#include "vh_error.h"

/* Describes who holds advisory lock `key` (a bigint key is stored as
 * classid = high 32 bits, objid = low 32 bits) into buf. */
static void describe_holder(PGconn *conn, const char *key, char *buf, size_t len)
{
	const char *params[1] = {key};
	PGresult *res;

	buf[0] = '\0';
	if (vh_db_query(&res, conn, "looking up the lock holder",
			"SELECT a.pid, coalesce(nullif(a.application_name, ''), '?'), "
			"coalesce(host(a.client_addr), 'local'), a.backend_start "
			"FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
			"WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
			"AND ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint LIMIT 1",
			1, params) < 0) {
		vh_error_clear();
		return;
	}
	if (PQntuples(res) == 1)
		snprintf(buf, len, "pid %s, %s from %s", PQgetvalue(res, 0, 0),
			 PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2));
	PQclear(res);
}

static int acquire(PGconn *conn, long long key, int wait_ms, const char *what, int quiet,
		   const char *fn)
{
	char keytxt[32], sql[128], holder[256] = "";
	const char *params[1] = {keytxt};
	long long start = vh_clock_ms();
	int delay = 50, said = 0, rc, got;
	unsigned int seed = (unsigned int)getpid() ^ (unsigned int)start;
	PGresult *res;

	snprintf(keytxt, sizeof(keytxt), "%lld", key);
	snprintf(sql, sizeof(sql), "SELECT %s($1::bigint)", fn);
	for (;;) {
		rc = vh_db_query(&res, conn, "taking the migration lock", sql, 1, params);
		if (rc < 0)
			return rc;
		got = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
		PQclear(res);
		if (got) {
			if (said && !quiet)
				fprintf(stderr, "Got the migration lock after %.1f s.\n",
					(vh_clock_ms() - start) / 1000.0);
			return 0;
		}
		describe_holder(conn, keytxt, holder, sizeof(holder));
		if (!said && !quiet) {
			fprintf(stderr, "Waiting for another migrator to release the lock on %s%s%s%s...\n",
				what, *holder ? " (held by " : "", holder, *holder ? ")" : "");
			said = 1;
		}
		if (vh_clock_ms() - start >= wait_ms)
			return vh_error_set(VH_ERR_GENERIC,
					    "timed out after %.0f s waiting for the migration lock on %s%s%s%s; "
					    "another vhost is still running (raise migration_lock_wait to wait longer)",
					    wait_ms / 1000.0, what, *holder ? " (held by " : "", holder,
					    *holder ? ")" : "");
		/* Jittered, and capped at 0.5 s: waiters that started together
		 * would otherwise wake together, one would win and the rest
		 * sleep a whole step again, so N waiters took about N steps
		 * after the holder let go. */
		vh_clock_sleep_ms(delay / 2 + rand_r(&seed) % (delay / 2 + 1));
		delay = delay * 2 > 500 ? 500 : delay * 2;
	}
}

int vh_lock_acquire(PGconn *conn, long long key, int wait_ms, const char *what, int quiet)
{
	return acquire(conn, key, wait_ms, what, quiet, "pg_try_advisory_lock");
}

int vh_lock_acquire_xact(PGconn *conn, long long key, int wait_ms, const char *what, int quiet)
{
	return acquire(conn, key, wait_ms, what, quiet, "pg_try_advisory_xact_lock");
}

void vh_lock_release(PGconn *conn, long long key)
{
	char sql[96];

	snprintf(sql, sizeof(sql), "SELECT pg_advisory_unlock(%lld)", key);
	PQclear(PQexec(conn, sql));
}
