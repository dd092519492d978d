/* vh_run_resume.c - carrying on after a failover (reconnect_timeout): the
 * connection was lost inside a revision; reconnect with backoff (libpq
 * tries every host of a multi-host setting, and target_session_attrs=
 * read-write skips standbys), check it is the same cluster, take the lock
 * again, read the version table and plan the rest from what it says, so
 * the revision that was in flight is never run twice. */
#include "vh_clock.h"
#include "vh_run_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_cancel.h"
#include "vh_db.h"
#include "vh_error.h"

/* The cluster's system identifier and current timeline into `sysid` and
 * `tli` (fields of 32 bytes), plus whether the server is in recovery.
 * Returns 0 or the error. */
static int identify(PGconn *conn, char *sysid, char *tli, int *recovery)
{
	PGresult *res;
	int rc;

	rc = vh_db_query(&res, conn, "identifying the server",
			 "SELECT system_identifier, pg_is_in_recovery(), CASE WHEN pg_is_in_recovery() "
			 "THEN NULL ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))"
			 "::bit(32)::int END FROM pg_control_system()",
			 0, NULL);
	if (rc < 0)
		return rc;
	snprintf(sysid, 32, "%s", PQgetvalue(res, 0, 0));
	*recovery = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
	snprintf(tli, 32, "%s", PQgetvalue(res, 0, 2));
	PQclear(res);
	return 0;
}

int vh_run__remember_server(run *r)
{
	int recovery;

	if (r->app->cfg->reconnect_timeout <= 0)
		return 0;
	return identify(r->conn, r->sysid, r->tli, &recovery);
}

int vh_run__can_resume(const run *r, const vh_step *s)
{
	return r->app->cfg->reconnect_timeout > 0 && !r->in_txn && *r->sysid &&
	       PQstatus(r->conn) != CONNECTION_OK &&
	       !(vh_graph_rev(r->g, s->rev)->flags & VH_REV_NONTRANSACTIONAL);
}

int vh_run__reconnect(vh_app *app, PGconn *conn, char sysid_was[32], char tli_was[32])
{
	int timeout = app->cfg->reconnect_timeout, delay = 250, attempt = 0, recovery = 0;
	double start = vh_clock_ms();
	char sysid[32], tli[32], why[512];

	for (;;) {
		vh_clock_sleep_ms(delay);
		attempt++;
		PQreset(conn);
		if (PQstatus(conn) == CONNECTION_OK) {
			if (identify(conn, sysid, tli, &recovery) < 0) {
				snprintf(why, sizeof(why), "%s", vh_error_last());
			} else if (*sysid_was && strcmp(sysid, sysid_was) != 0) {
				char *target = vh_db_describe(conn);
				int rc = vh_error_set(
					VH_ERR_GENERIC,
					"reconnected to %s, but it is another cluster (system identifier "
					"%s, not %s), so vhost stops there: nothing more was run. Check "
					"the host list in the connection settings",
					target ? target : "the server", sysid, sysid_was);

				free(target);
				return rc;
			} else if (recovery) {
				snprintf(why, sizeof(why), "the server is still a read-only standby");
			} else {
				break;
			}
		} else {
			snprintf(why, sizeof(why), "%s", vh_db_oneline(PQerrorMessage(conn)));
		}
		if (!app->quiet)
			fprintf(stderr, "Reconnect attempt %d after %.1f s failed: %s\n", attempt,
				(vh_clock_ms() - start) / 1000.0, why);
		if (vh_clock_ms() - start >= timeout)
			return vh_error_set(VH_ERR_GENERIC,
					    "gave up reconnecting after %.0f s (reconnect_timeout): %s",
					    timeout / 1000.0, why);
		delay = delay * 2 > 4000 ? 4000 : delay * 2;
	}
	if (!app->quiet) {
		char *target = vh_db_describe(conn);

		/* Lost before the identity was read: nothing to compare with,
		 * and nothing had run, so say no more than is known. */
		fprintf(stderr, "Reconnected to %s after %.1f s (attempt %d)%s",
			target ? target : "the server", (vh_clock_ms() - start) / 1000.0, attempt,
			*sysid_was ? ", the same cluster" : "");
		if (*tli_was && strcmp(tli, tli_was) != 0)
			fprintf(stderr, "; its timeline changed from %s to %s (a standby was promoted)",
				tli_was, tli);
		fprintf(stderr, ".\n");
		free(target);
	}
	snprintf(tli_was, 32, "%s", tli);
	snprintf(sysid_was, 32, "%s", sysid);
	/* Ctrl-C and SIGTERM must now cancel on the server we reached */
	return vh_cancel_refresh(conn);
}

int vh_run__resume(run *r, vh_plan *plan, const vh_step *lost, const size_t *target,
		   size_t ntarget)
{
	const vh_revision *rev = vh_graph_rev(r->g, lost->rev);
	char **ids = NULL;
	size_t *cur = NULL, nids = 0;
	vh_plan next = {0};
	int rc, up = lost->up;

	if (!r->app->quiet)
		fprintf(stderr, "Lost the connection during %s %s (%s); reconnecting for up to %.0f s "
				"(reconnect_timeout).\n",
			up ? "upgrade" : "downgrade", rev->id, vh_error_last(),
			r->app->cfg->reconnect_timeout / 1000.0);
	if (r->have_next) { /* planned for the old plan */
		vh_plugin_close(&r->next_p);
		r->have_next = 0;
	}
	/* Gone with the session: the prepared statements and a session lock
	 * (a lease is a row, and survives on the new primary). */
	r->hist_stmt[0] = r->ver_stmt[0] = '\0';
	r->session_set = 0; /* a new session: its settings are the server's defaults */
	if (r->lock.kind == VH_LOCK_SESSION)
		r->lock.kind = VH_LOCK_NONE;
	if ((rc = vh_run__reconnect(r->app, r->conn, r->sysid, r->tli)) < 0 || (rc = vh_lock_retake(&r->lock, r->app, r->conn)) < 0 ||
	    (rc = vh_run__settings(r)) < 0 ||
	    (!r->lock.pooled && (rc = vh_run__prepare_steps(r)) < 0) ||
	    (rc = vh_tables_read_versions(r->conn, &r->t, &ids, &nids)) < 0 ||
	    (rc = vh_run_map_versions(r->g, ids, nids, &cur)) < 0)
		goto done;
	rc = up ? vh_plan_upgrade(&next, r->g, cur, nids, target, ntarget)
		: vh_plan_downgrade(&next, r->g, cur, nids, target, ntarget);
	if (rc < 0)
		goto done;
	/* The version table says whether the revision in flight committed:
	 * its change and COMMIT were one transaction. */
	if (!r->app->quiet)
		fprintf(stderr, "The version table shows %s %s %s before the connection was lost%s.\n",
			up ? "upgrade" : "downgrade", rev->id,
			next.n && next.steps[0].rev == lost->rev ? "was not committed"
								  : "had committed",
			next.n && next.steps[0].rev == lost->rev ? "; running it again" : "");
	vh_plan_clear(plan);
	*plan = next;
done:
	vh_strv_free(ids);
	free(cur);
	return rc;
}
