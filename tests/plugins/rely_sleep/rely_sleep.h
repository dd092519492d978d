/* rely_sleep.h - shared body of the rely_sleep fixture chain (tests/plugins/
 * rely_sleep/, used by tests/sh/test_faults.sh and test_concurrency.sh).
 *
 * Revision k creates table rely_t<k> in three steps with pauses between
 * them, and adds a column to rely_t<k-1>, so a revision that was cut short
 * and not rolled back would show in the catalog. The pauses make the window
 * in which a kill lands wide: each is RELY_SLEEP_MS milliseconds (default
 * 20), half of it spent in the server (pg_sleep, the host blocked in libpq)
 * and half in the plugin (nanosleep, the transaction idle). */
#ifndef RELY_SLEEP_H
#define RELY_SLEEP_H

#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <time.h>

#include <vhost/sdk.h>

/* Sleeps `ms` from the environment variable `var` (default `def`): half in
 * the server, half here. Returns the SDK's code for the pg_sleep. */
static int rely_pause(vh_ctx *ctx, const char *var, int def)
{
	const char *s = getenv(var);
	int ms = s && *s ? atoi(s) : def;
	struct timespec ts;
	int rc;

	if (ms <= 0)
		return 0;
	if ((rc = vh_execf(ctx, "SELECT pg_sleep(%d / 2000.0)", ms)) < 0)
		return rc;
	ts.tv_sec = (ms / 2) / 1000;
	ts.tv_nsec = (long)((ms / 2) % 1000) * 1000000L;
	nanosleep(&ts, NULL);
	return 0;
}

/* Up: three statements with pauses, plus a column on the previous table. */
static int rely_sleep_up(vh_ctx *ctx, int k)
{
	int rc;

	if ((rc = vh_execf(ctx, "CREATE TABLE rely_t%d (id int PRIMARY KEY)", k)) < 0 ||
	    (rc = rely_pause(ctx, "RELY_SLEEP_MS", 20)) < 0 ||
	    (rc = vh_execf(ctx, "ALTER TABLE rely_t%d ADD COLUMN note text NOT NULL DEFAULT ''",
			   k)) < 0 ||
	    (k > 1 && (rc = vh_execf(ctx, "ALTER TABLE rely_t%d ADD COLUMN ref_%d int", k - 1,
				     k)) < 0) ||
	    (rc = rely_pause(ctx, "RELY_SLEEP_MS", 20)) < 0)
		return rc;
	return vh_execf(ctx, "CREATE INDEX rely_t%d_note ON rely_t%d (note)", k, k);
}

/* Down: the exact reverse, without pauses (the loops only kill upgrades). */
static int rely_sleep_down(vh_ctx *ctx, int k)
{
	int rc;

	if (k > 1 && (rc = vh_execf(ctx, "ALTER TABLE rely_t%d DROP COLUMN ref_%d", k - 1, k)) < 0)
		return rc;
	return vh_execf(ctx, "DROP TABLE rely_t%d", k);
}

/* The two entry points for revision number k. */
#define RELY_SLEEP_BODY(k)                                                     \
	int upgrade(vh_ctx *ctx) { return rely_sleep_up(ctx, k); }             \
	int downgrade(vh_ctx *ctx) { return rely_sleep_down(ctx, k); }

#endif
