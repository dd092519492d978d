/* render_crash 03 - after the crash: its drop-table finding must still be
 * reported. */
#include <vhost/sdk.h>

VHOST_REVISION("rc03", "rc02", "after");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE rc_a");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE rc_a (id integer)");
}
