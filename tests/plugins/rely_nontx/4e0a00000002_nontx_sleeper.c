/* 4e0a00000002_nontx_sleeper.c - the non-transactional revision of the
 * rely_nontx fixture chain: two CREATE INDEX CONCURRENTLY statements with a
 * pause of RELY_NONTX_SLEEP_MS (default 0) between them. test_faults.sh
 * kills the host in that pause, once the first index exists, leaving the
 * revision half done with no transaction to roll it back; the next run must
 * refuse and name it. With RELY_NONTX_CRASH set it raises SIGSEGV there
 * instead (the host's crash report must not promise a rollback). IF NOT
 * EXISTS makes the revision safe to rerun with --retry-interrupted. Names
 * are schema-qualified: through a transaction pooler a non-transactional
 * revision gets no search_path (test_topo_lease.sh runs it there). */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdlib.h>
#include <time.h>

#include <vhost/sdk.h>

VHOST_REVISION("4e0a00000002", "4e0a00000001", "nontx sleeper");
VHOST_NON_TRANSACTIONAL();

int upgrade(vh_ctx *ctx)
{
	const char *s = getenv("RELY_NONTX_SLEEP_MS");
	int ms = s && *s ? atoi(s) : 0, rc;
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	if ((rc = vh_execf(ctx, "CREATE INDEX CONCURRENTLY IF NOT EXISTS rely_n_a ON %I.rely_n (a)",
			   vh_schema(ctx))) < 0)
		return rc;
	if (ms > 0)
		nanosleep(&ts, NULL);
	if (getenv("RELY_NONTX_CRASH"))
		raise(SIGSEGV);
	return vh_execf(ctx, "CREATE INDEX CONCURRENTLY IF NOT EXISTS rely_n_b ON %I.rely_n (b)",
			vh_schema(ctx));
}

int downgrade(vh_ctx *ctx)
{
	int rc;

	if ((rc = vh_execf(ctx, "DROP INDEX CONCURRENTLY IF EXISTS %I.rely_n_b", vh_schema(ctx))) < 0)
		return rc;
	return vh_execf(ctx, "DROP INDEX CONCURRENTLY IF EXISTS %I.rely_n_a", vh_schema(ctx));
}
