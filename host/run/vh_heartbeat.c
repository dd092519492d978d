/* vh_heartbeat.c - keeps a lease alive while the run is busy elsewhere.
 *
 * The fence renews the lease at the start of every revision's transaction,
 * and the renewed row stays locked until that transaction ends, so a
 * transactional revision of any length keeps it. A non-transactional
 * revision holds no transaction, and a CREATE INDEX CONCURRENTLY on a big
 * table can outlast any lease: without a heartbeat a waiting run would take
 * the lease over and stop at the interrupted revision. So while the lease
 * is held, a thread renews it on a connection of its own, in short
 * transactions (which CONCURRENTLY waits for only briefly, unlike the open
 * transaction of flyway#3497). While a transactional revision holds the
 * row, the renewal waits for it in the row's lock queue, ahead of any run
 * that comes polling later, so the lease the fence renewed long ago is
 * renewed the moment that revision commits, before a waiter can find it
 * expired. The thread only ever renews a lease this run still holds: once
 * the row names another token, it stops trying. */
#include "vh_heartbeat.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct vh_heartbeat {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
	int every_ms;
	PGcancel *cancel; /* of the thread's connection, for stopping a wait */
	char *sql;
	const char **keys; /* the connection's options, for connections of our own */
	const char **vals;
	PQconninfoOption *opts;
};

static void quiet_notices(void *arg, const PGresult *res)
{
	(void)arg;
	(void)res;
}

/* One renewal: 1 renewed, 0 not now (the row is locked by this run's own
 * revision, or the server is away), -1 the lease is no longer ours. */
static int renew(struct vh_heartbeat *hb, PGconn **conn)
{
	PGresult *res;
	int out = 0;

	if (!*conn || PQstatus(*conn) != CONNECTION_OK) {
		pthread_mutex_lock(&hb->mu);
		if (hb->cancel)
			PQfreeCancel(hb->cancel);
		hb->cancel = NULL;
		pthread_mutex_unlock(&hb->mu);
		if (*conn)
			PQfinish(*conn);
		*conn = PQconnectdbParams(hb->keys, hb->vals, 0);
		if (PQstatus(*conn) != CONNECTION_OK)
			return 0;
		PQsetNoticeReceiver(*conn, quiet_notices, NULL);
		pthread_mutex_lock(&hb->mu);
		hb->cancel = PQgetCancel(*conn);
		pthread_mutex_unlock(&hb->mu);
	}
	res = PQexec(*conn, hb->sql);
	if (PQresultStatus(res) == PGRES_TUPLES_OK)
		out = PQntuples(res) == 1 ? 1 : -1;
	PQclear(res);
	/* A lock timeout (the row is this run's open revision's) or a lost
	 * server: the transaction is gone either way. */
	if (PQstatus(*conn) == CONNECTION_OK && PQtransactionStatus(*conn) != PQTRANS_IDLE)
		PQclear(PQexec(*conn, "ROLLBACK"));
	return out;
}

static void *beat(void *arg)
{
	struct vh_heartbeat *hb = arg;
	PGconn *conn = NULL;
	struct timespec at;
	sigset_t all;
	int gone = 0, rc = 0;

	/* Ctrl-C and SIGTERM belong to the main thread (vh_cancel.c). */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	pthread_mutex_lock(&hb->mu);
	while (!hb->stop && !gone) {
		clock_gettime(CLOCK_MONOTONIC, &at);
		at.tv_sec += hb->every_ms / 1000;
		at.tv_nsec += (long)(hb->every_ms % 1000) * 1000000L;
		if (at.tv_nsec >= 1000000000L) {
			at.tv_sec++;
			at.tv_nsec -= 1000000000L;
		}
		while (!hb->stop && rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(&hb->cv, &hb->mu, &at);
		rc = 0;
		if (hb->stop)
			break;
		pthread_mutex_unlock(&hb->mu);
		gone = renew(hb, &conn) < 0;
		pthread_mutex_lock(&hb->mu);
	}
	if (hb->cancel)
		PQfreeCancel(hb->cancel);
	hb->cancel = NULL;
	pthread_mutex_unlock(&hb->mu);
	if (conn)
		PQfinish(conn);
	return NULL;
}

static void hb_free(struct vh_heartbeat *hb)
{
	if (!hb)
		return;
	if (hb->opts)
		PQconninfoFree(hb->opts);
	free(hb->keys);
	free(hb->vals);
	free(hb->sql);
	free(hb);
}

int vh_heartbeat_start(vh_heartbeat **out, PGconn *like, const char *renew_sql, int every_ms)
{
	struct vh_heartbeat *hb = calloc(1, sizeof(*hb));
	pthread_condattr_t ca;
	size_t n = 0, i;

	*out = NULL;
	if (!hb || !(hb->sql = strdup(renew_sql)) || !(hb->opts = PQconninfo(like)))
		goto fail;
	for (i = 0; hb->opts[i].keyword; i++)
		n++;
	hb->keys = calloc(n + 2, sizeof(*hb->keys));
	hb->vals = calloc(n + 2, sizeof(*hb->vals));
	if (!hb->keys || !hb->vals)
		goto fail;
	/* The same options as the run's connection (all its hosts, so the
	 * heartbeat follows a failover too), but never a long connect. */
	for (i = n = 0; hb->opts[i].keyword; i++)
		if (hb->opts[i].val && strcmp(hb->opts[i].keyword, "connect_timeout") != 0) {
			hb->keys[n] = hb->opts[i].keyword;
			hb->vals[n++] = hb->opts[i].val;
		}
	hb->keys[n] = "connect_timeout";
	hb->vals[n] = "2";
	hb->every_ms = every_ms > 100 ? every_ms : 100;
	pthread_mutex_init(&hb->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&hb->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&hb->thread, NULL, beat, hb) != 0) {
		pthread_cond_destroy(&hb->cv);
		pthread_mutex_destroy(&hb->mu);
		goto fail;
	}
	*out = hb;
	return 0;
fail:
	hb_free(hb);
	return -1;
}

void vh_heartbeat_stop(vh_heartbeat *hb)
{
	if (!hb)
		return;
	char err[128];

	pthread_mutex_lock(&hb->mu);
	hb->stop = 1;
	pthread_cond_signal(&hb->cv);
	/* A renewal waiting for the row (see above) would wait for ever. */
	if (hb->cancel)
		PQcancel(hb->cancel, err, sizeof(err));
	pthread_mutex_unlock(&hb->mu);
	pthread_join(hb->thread, NULL);
	pthread_cond_destroy(&hb->cv);
	pthread_mutex_destroy(&hb->mu);
	hb_free(hb);
}
