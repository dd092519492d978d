/* render_crash 02 - dies with SIGSEGV when rendered offline. Lint renders a
 * whole plan in one child process: this kills it, and test_lint.sh checks
 * that the crash is pinned on this revision (render-failed) and that the
 * revisions after it are still linted by a new child. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>

#include <vhost/sdk.h>

VHOST_REVISION("rc02", "rc01", "crashes offline");

int upgrade(vh_ctx *ctx)
{
	if (vh_is_offline(ctx))
		raise(SIGSEGV);
	return vh_exec(ctx, "CREATE TABLE rc_b (id integer)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE rc_b");
}
