/* render_crash 01 - a plain revision before the one that crashes (see
 * 02_crash.c). */
#include <vhost/sdk.h>

VHOST_REVISION("rc01", NULL, "first");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE rc_a (id integer)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE rc_a");
}
