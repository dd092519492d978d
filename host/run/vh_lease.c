/* vh_lease.c - the migration lock as a lease, for transaction poolers: a
 * row per version table in <version schema>.vhost_lock holding the run's
 * random token and an expiry. Taken, renewed (the fence) and given back in
 * transactions of their own, so it never depends on which server process a
 * transaction lands on. */
#include "vh_lock.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vh_db.h"
#include "vh_error.h"
#include "vh_heartbeat.h"
#include "vh_sdk_host.h"

/* 16 random bytes as hex: /dev/urandom, else the clock and pid (a token
 * only has to differ between runs that overlap). */
static void new_token(char out[33])
{
	unsigned char b[16];
	struct timespec ts;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC), i, ok = 0;

	if (fd >= 0) {
		ok = read(fd, b, sizeof(b)) == (ssize_t)sizeof(b);
		close(fd);
	}
	if (!ok) {
		clock_gettime(CLOCK_REALTIME, &ts);
		for (i = 0; i < 16; i++)
			b[i] = (unsigned char)((ts.tv_nsec >> (i % 4 * 8)) ^ (getpid() >> (i % 3 * 8)) ^
					       (ts.tv_sec >> (i % 5 * 8)));
	}
	for (i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

int vh_lease_init(vh_lock *l, const vh_tables *t, int lease_ms)
{
	char *key = vh_quote_literal(t->vt_display);

	new_token(l->token);
	l->lease_ms = lease_ms;
	if (!key || asprintf(&l->table, "%s.vhost_lock", t->vschema) < 0)
		l->table = NULL;
	/* Renews the lease and fails unless this run holds it: the first
	 * statement of every transaction that changes the version table. */
	if (l->table &&
	    asprintf(&l->fence,
		     "DO $vh_fence$BEGIN UPDATE %s SET expires_at = clock_timestamp() + "
		     "interval '%d milliseconds' WHERE lock_key = %s AND token = '%s' AND "
		     "expires_at > clock_timestamp(); IF NOT FOUND THEN RAISE EXCEPTION "
		     "'this run no longer holds the migration lock on %%: its lease ran out and "
		     "another run may hold it, so nothing of this transaction was committed', %s "
		     "USING ERRCODE = 'VH001'; END IF; END$vh_fence$",
		     l->table, lease_ms, key, l->token, key) < 0)
		l->fence = NULL;
	vh_free(key);
	if (!l->table || !l->fence)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	return 0;
}

typedef struct lease_try {
	vh_lock *l;
	const char *sql;
} lease_try;

/* One attempt, in a transaction of its own: creates the table when
 * missing (under a transaction-scoped advisory lock, since concurrent
 * CREATE ... IF NOT EXISTS still collide in the catalogs), then takes the
 * row when it is free, expired, or already this run's. A row locked by the
 * holder's running revision counts as held (lock_timeout). */
static int lease_try_once(void *user, PGconn *conn)
{
	lease_try *lt = user;
	PGresult *res;
	int got = 0, busy = 0, rc = 0;

	if (!PQsendQuery(conn, lt->sql))
		return vh_db_error(conn, NULL, "taking the migration lock");
	while ((res = PQgetResult(conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

		if (st == PGRES_TUPLES_OK && PQntuples(res) == 1 && PQnfields(res) == 1 &&
		    strcmp(PQfname(res, 0), "token") == 0)
			got = 1;
		else if (st == PGRES_FATAL_ERROR && state &&
			 (strcmp(state, "55P03") == 0 || strcmp(state, "23505") == 0))
			/* 23505: CREATE ... IF NOT EXISTS is not safe against a
			 * concurrent creation of the same schema (the catalogs'
			 * unique index says so): someone else made it, try again */
			busy = 1;
		else if (st == PGRES_FATAL_ERROR && rc == 0)
			rc = vh_db_error(conn, res, "taking the migration lock");
		PQclear(res);
	}
	if (busy || rc < 0)
		PQclear(PQexec(conn, "ROLLBACK"));
	if (rc == 0 && PQstatus(conn) != CONNECTION_OK)
		rc = vh_db_error(conn, NULL, "taking the migration lock");
	return rc < 0 ? rc : got && !busy;
}

static void lease_describe(void *user, PGconn *conn, char *buf, size_t len)
{
	lease_try *lt = user;
	const char *params[1] = {lt->l->what};
	PGresult *res;
	char *sql;

	buf[0] = '\0';
	if (asprintf(&sql,
		     "SELECT holder, ceil(extract(epoch FROM expires_at - clock_timestamp())) "
		     "FROM %s WHERE lock_key = $1",
		     lt->l->table) < 0)
		return;
	if (vh_db_query(&res, conn, "looking up the lock holder", sql, 1, params) < 0) {
		vh_error_clear();
		free(sql);
		return;
	}
	if (PQntuples(res) == 1)
		snprintf(buf, len, "%s, lease ends in %s s unless renewed", PQgetvalue(res, 0, 0),
			 PQgetvalue(res, 0, 1));
	PQclear(res);
	free(sql);
}

/* The heartbeat (vh_heartbeat.c), renewing three times a lease. It waits
 * for the row as long as this run's revision holds it (lock_timeout 0), to
 * renew right after that commits. Renews while the token is still ours
 * even past the expiry: nobody took it then. */
static int start_beat(vh_lock *l, PGconn *conn)
{
	char *kq = vh_quote_literal(l->what), *sql = NULL;
	int rc = 0;

	if (!kq || asprintf(&sql,
			    "SET LOCAL lock_timeout = 0; SET LOCAL statement_timeout = 0; "
			    "UPDATE %s SET expires_at = "
			    "clock_timestamp() + interval '%d milliseconds' WHERE lock_key = %s "
			    "AND token = '%s' RETURNING true",
			    l->table, l->lease_ms, kq, l->token) < 0)
		sql = NULL;
	vh_free(kq);
	if (!sql || vh_heartbeat_start(&l->beat, conn, sql, l->lease_ms / 3) < 0)
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory (starting the lease's heartbeat)");
	free(sql);
	return rc;
}

int vh_lease_acquire(vh_lock *l, PGconn *conn, int wait_ms, int quiet)
{
	char host[128] = "", holder[256], *hq, *kq, *sql = NULL;
	lease_try lt = {l, NULL};
	int rc;

	if (gethostname(host, sizeof(host) - 1) != 0)
		snprintf(host, sizeof(host), "?");
	snprintf(holder, sizeof(holder), "vhost pid %d on %s", (int)getpid(), host);
	hq = vh_quote_literal(holder);
	kq = vh_quote_literal(l->what);
	if (!hq || !kq ||
	    asprintf(&sql,
		     "BEGIN;\nSET LOCAL lock_timeout = 200;\nSELECT pg_advisory_xact_lock(%lld);\n"
		     "CREATE SCHEMA IF NOT EXISTS %.*s;\n"
		     "CREATE TABLE IF NOT EXISTS %s (\n"
		     "    lock_key text PRIMARY KEY,\n"
		     "    token text NOT NULL,\n"
		     "    holder text,\n"
		     "    acquired_at timestamptz NOT NULL DEFAULT clock_timestamp(),\n"
		     "    expires_at timestamptz NOT NULL);\n"
		     "INSERT INTO %s AS l (lock_key, token, holder, expires_at) VALUES "
		     "(%s, '%s', %s, clock_timestamp() + interval '%d milliseconds') "
		     "ON CONFLICT (lock_key) DO UPDATE SET token = excluded.token, "
		     "holder = excluded.holder, acquired_at = clock_timestamp(), "
		     "expires_at = excluded.expires_at "
		     "WHERE l.expires_at < clock_timestamp() OR l.token = excluded.token "
		     "RETURNING token;\nCOMMIT",
		     l->key, (int)(strlen(l->table) - strlen(".vhost_lock")), l->table, l->table,
		     l->table, kq, l->token, hq, l->lease_ms) < 0)
		sql = NULL;
	vh_free(hq);
	vh_free(kq);
	if (!sql)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	lt.sql = sql;
	rc = vh_lock_poll(conn, wait_ms, l->what, quiet, lease_try_once, lease_describe, &lt);
	free(sql);
	if (rc == 0 && !l->beat)
		rc = start_beat(l, conn);
	return rc;
}

int vh_lease_release(vh_lock *l, PGconn *conn)
{
	const char *params[2] = {l->what, l->token};
	PGresult *res;
	char *sql;
	int rc;

	/* First: a beat after the row is gone would only find it gone. */
	vh_heartbeat_stop(l->beat);
	l->beat = NULL;
	if (PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "WARNING: could not give back the migration lock on %s (the connection "
				"is gone); it frees itself when its lease runs out, within %d s\n",
			l->what, l->lease_ms / 1000);
		return 0;
	}
	if (PQtransactionStatus(conn) != PQTRANS_IDLE)
		PQclear(PQexec(conn, "ROLLBACK"));
	if (asprintf(&sql, "DELETE FROM %s WHERE lock_key = $1 AND token = $2", l->table) < 0)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	rc = vh_db_query(&res, conn, "giving back the migration lock", sql, 2, params);
	free(sql);
	if (rc < 0) /* the lease runs out by itself */
		return rc;
	if (strcmp(PQcmdTuples(res), "1") != 0) {
		fprintf(stderr,
			"WARNING: the migration lock on %s had already passed to another run when "
			"vhost gave it back (its lease ran out); the fence kept this run from "
			"committing anything without it\n",
			l->what);
	}
	PQclear(res);
	return rc;
}
