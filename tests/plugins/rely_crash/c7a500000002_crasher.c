/* c7a500000002_crasher.c - a revision that takes the host down half-way,
 * for tests/sh/test_faults.sh and test_badinput.sh. It creates rely_c1, then
 * does what RELY_CRASH says:
 *   segv (default)  writes through a NULL pointer
 *   abort           calls abort()
 *   exit            calls exit($RELY_EXIT_CODE), default 0: the nastiest
 *                   case, a plugin that makes a failed run look successful
 *   none            returns normally
 * The host cannot finish the revision's transaction, so the server rolls
 * it back; the host must say what happened and exit non-zero. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <vhost/sdk.h>

VHOST_REVISION("c7a500000002", "c7a500000001", "crasher");

/* A real invalid write. Not instrumented: in the sanitizer build UBSan
 * would stop at the null store itself, and the point is to see the host
 * survive (report) a genuine SIGSEGV from a plugin. */
#if defined(__GNUC__)
__attribute__((no_sanitize("undefined")))
#endif
static void segv(void)
{
	volatile int *volatile p = NULL;

	*p = 1;
}

int upgrade(vh_ctx *ctx)
{
	const char *m = getenv("RELY_CRASH"), *code = getenv("RELY_EXIT_CODE");
	int rc;

	if ((rc = vh_exec(ctx, "CREATE TABLE rely_c1 (id int)")) < 0)
		return rc;
	m = m && *m ? m : "segv";
	if (strcmp(m, "segv") == 0) {
		segv();
	} else if (strcmp(m, "abort") == 0) {
		abort();
	} else if (strcmp(m, "exit") == 0) {
		exit(code && *code ? atoi(code) : 0);
	}
	return 0;
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE rely_c1");
}
