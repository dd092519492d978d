/* vh_lock.c - taking the migration lock: the checks of the target that
 * ride with the first attempt, choosing the kind of lock for what sits in
 * between (vh_pooler.c tells), and polling for it. */
#include "vh_clock.h"
#include "vh_lock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vh_db.h"
#include "vh_error.h"
#include "vh_heartbeat.h"
#include "vh_pooler.h"

int vh_lock_poll(PGconn *conn, int wait_ms, const char *what, int quiet, vh_lock_try_fn try_once,
		 vh_lock_describe_fn describe, void *user)
{
	char holder[256] = "";
	long long start = vh_clock_ms();
	int delay = 50, said = 0, got;
	unsigned int seed = (unsigned int)getpid() ^ (unsigned int)start;

	for (;;) {
		if ((got = try_once(user, conn)) < 0)
			return got;
		if (got) {
			if (said && !quiet)
				fprintf(stderr, "Got the migration lock after %.1f s.\n",
					(vh_clock_ms() - start) / 1000.0);
			return 0;
		}
		describe(user, conn, holder, sizeof(holder));
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

/* ---- the advisory lock ---------------------------------------------------- */

typedef struct advisory {
	long long key;
	const char *fn; /* pg_try_advisory_lock or pg_try_advisory_xact_lock */
} advisory;

static int advisory_try(void *user, PGconn *conn)
{
	advisory *a = user;
	char sql[128];
	PGresult *res;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT %s(%lld)", a->fn, a->key);
	if ((rc = vh_db_query(&res, conn, "taking the migration lock", sql, 0, NULL)) < 0)
		return rc;
	rc = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return rc;
}

/* Describes who holds advisory lock `key` (a bigint key is stored as
 * classid = high 32 bits, objid = low 32 bits). */
static void advisory_describe(void *user, PGconn *conn, char *buf, size_t len)
{
	advisory *a = user;
	char key[32];
	const char *params[1] = {key};
	PGresult *res;

	buf[0] = '\0';
	snprintf(key, sizeof(key), "%lld", a->key);
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

/* ---- choosing and taking ------------------------------------------------- */

/* The first round trip: what the server is, and on a direct connection the
 * first attempt at the advisory lock too, so a direct connection pays
 * nothing for the checks. The lock is only tried when the server process is
 * libpq's own (or pooler = none says there is no transaction pooler):
 * through a pooler, a session lock taken here could be left on a server
 * process another client gets next. */
static int first_contact(vh_lock *l, vh_app *app, PGconn *conn, int xact, int try_lock,
			 long long *pid, int *got)
{
	char sql[512], try[192] = "NULL::bool";
	PGresult *res;
	int rc, recovery, readonly;

	if (try_lock && app->cfg->pooler != VH_POOLER_TRANSACTION)
		snprintf(try, sizeof(try),
			 "CASE WHEN (pg_backend_pid() = %d OR %s) AND NOT pg_is_in_recovery() "
			 "THEN %s(%lld) END",
			 PQbackendPID(conn), app->cfg->pooler == VH_POOLER_NONE ? "true" : "false",
			 xact ? "pg_try_advisory_xact_lock" : "pg_try_advisory_lock", l->key);
	snprintf(sql, sizeof(sql),
		 "%sSELECT pg_backend_pid(), pg_is_in_recovery(), "
		 "current_setting('transaction_read_only'), %s",
		 xact ? "BEGIN;\n" : "", try);
	if ((rc = vh_db_query(&res, conn, "checking the target server", sql, 0, NULL)) < 0)
		return rc;
	*pid = atoll(PQgetvalue(res, 0, 0));
	recovery = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
	readonly = strcmp(PQgetvalue(res, 0, 2), "on") == 0;
	*got = strcmp(PQgetvalue(res, 0, 3), "t") == 0;
	PQclear(res);
	if (*got)
		l->kind = xact ? VH_LOCK_XACT : VH_LOCK_SESSION;
	if (recovery || readonly) {
		char *target = vh_db_describe(conn);

		rc = vh_error_set(VH_ERR_GENERIC,
				  "%s is %s, so vhost cannot change it; nothing was run. Point vhost at "
				  "the primary, or list every host with target_session_attrs=read-write "
				  "so libpq picks the one that takes writes",
				  target ? target : "the server",
				  recovery ? "a read-only standby (pg_is_in_recovery() is true)"
					   : "read-only (default_transaction_read_only is on)");
		free(target);
		return rc;
	}
	return 0;
}

int vh_lock_take(vh_lock *l, vh_app *app, PGconn *conn, const vh_tables *t, int xact)
{
	advisory a;
	long long pid;
	int rc, got, pooled;

	/* `l` is zeroed by the caller, or left by an earlier take (the
	 * single-transaction retry takes it again): drop what that kept */
	vh_heartbeat_stop(l->beat);
	free(l->table);
	free(l->fence);
	free(l->what);
	memset(l, 0, sizeof(*l));
	l->key = t->lock_key;
	if (!(l->what = strdup(t->vt_display)))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	if ((rc = first_contact(l, app, conn, xact, 1, &pid, &got)) < 0)
		return rc;
	vh_pooler_decide(app, conn, pid, &pooled);
	if (pooled) {
		l->pooled = 1;
		if (app->cfg->lock_lease < 1000)
			return vh_error_set(VH_ERR_USAGE,
					    "%s: lock_lease = %d ms is too short: the lease needs at "
					    "least 1s to be renewed in time",
					    app->cfg->path ? app->cfg->path : "settings",
					    app->cfg->lock_lease);
		if (xact) /* the lease is its own transaction */
			PQclear(PQexec(conn, "ROLLBACK"));
		if ((rc = vh_lease_init(l, t, app->cfg->lock_lease)) < 0 ||
		    (rc = vh_lease_acquire(l, conn, app->cfg->migration_lock_wait, app->quiet)) < 0)
			return rc;
		l->kind = VH_LOCK_LEASE;
		if (xact)
			rc = vh_db_exec(conn, "starting the transaction", "BEGIN");
		return rc;
	}
	if (got)
		return 0;
	a.key = l->key;
	a.fn = xact ? "pg_try_advisory_xact_lock" : "pg_try_advisory_lock";
	rc = vh_lock_poll(conn, app->cfg->migration_lock_wait, l->what, app->quiet, advisory_try,
			  advisory_describe, &a);
	if (rc == 0)
		l->kind = xact ? VH_LOCK_XACT : VH_LOCK_SESSION;
	return rc;
}

int vh_lock_retake(vh_lock *l, vh_app *app, PGconn *conn)
{
	advisory a = {l->key, "pg_try_advisory_lock"};
	long long pid;
	int rc, got;

	if (l->kind == VH_LOCK_LEASE) {
		/* The same checks as the first time: a promoted standby that
		 * is still read-only is no place to carry on. */
		if ((rc = first_contact(l, app, conn, 0, 0, &pid, &got)) < 0)
			return rc;
		return vh_lease_acquire(l, conn, app->cfg->migration_lock_wait, app->quiet);
	}
	l->kind = VH_LOCK_NONE;
	if ((rc = first_contact(l, app, conn, 0, 1, &pid, &got)) < 0 || got)
		return rc;
	if ((rc = vh_lock_poll(conn, app->cfg->migration_lock_wait, l->what, app->quiet,
			       advisory_try, advisory_describe, &a)) == 0)
		l->kind = VH_LOCK_SESSION;
	return rc;
}

const char *vh_lock_fence(const vh_lock *l)
{
	return l && l->kind == VH_LOCK_LEASE && l->fence ? l->fence : "";
}

int vh_lock_release(vh_lock *l, PGconn *conn)
{
	int rc = 0;

	if (l->kind == VH_LOCK_LEASE) {
		rc = vh_lease_release(l, conn);
	} else if (l->kind == VH_LOCK_SESSION && PQstatus(conn) == CONNECTION_OK) {
		char sql[96];
		PGresult *res;

		snprintf(sql, sizeof(sql), "SELECT pg_advisory_unlock(%lld)", l->key);
		res = PQexec(conn, sql);
		/* The server answers false (and logs "you don't own a lock")
		 * when this session did not hold it: something in between
		 * moved the session, which only a transaction pooler does. */
		if (PQresultStatus(res) == PGRES_TUPLES_OK && strcmp(PQgetvalue(res, 0, 0), "f") == 0)
			rc = vh_error_set(VH_ERR_GENERIC,
					  "the migration lock on %s was no longer held by this session "
					  "when vhost let it go, so other runs may have run beside this "
					  "one; if a transaction pooler is in between, set pooler = "
					  "transaction",
					  l->what);
		PQclear(res);
	}
	vh_heartbeat_stop(l->beat); /* NULL once the lease was given back */
	free(l->table);
	free(l->fence);
	free(l->what);
	memset(l, 0, sizeof(*l));
	return rc;
}
