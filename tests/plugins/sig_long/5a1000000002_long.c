/* 5a1000000002_long.c - fixture revision "signal long" in
 * tests/plugins/sig_long (tests/sh/test_signals.sh): takes an ACCESS
 * EXCLUSIVE lock on sig_t, then runs a statement of SIG_LONG_S seconds
 * (default 60), long enough for the test to interrupt vhost inside it and
 * to see whether the server keeps running it. SIG_LONG_CLIENT_MS, when set,
 * sleeps that long in the plugin first (the client side, no statement
 * running), then runs a second statement. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <time.h>

#include <vhost/sdk.h>

VHOST_REVISION("5a1000000002", "5a1000000001", "signal long");

int upgrade(vh_ctx *ctx)
{
	const char *s = getenv("SIG_LONG_S"), *c = getenv("SIG_LONG_CLIENT_MS");
	int rc;

	if ((rc = vh_exec(ctx, "ALTER TABLE sig_t ADD COLUMN note text")) < 0)
		return rc;
	if (c && *c) {
		struct timespec ts = {atoi(c) / 1000, (long)(atoi(c) % 1000) * 1000000L};

		while (nanosleep(&ts, &ts) != 0)
			;
	}
	return vh_execf(ctx, "SELECT pg_sleep(%d) /* sig_long */", s && *s ? atoi(s) : 60);
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE sig_t DROP COLUMN note");
}
