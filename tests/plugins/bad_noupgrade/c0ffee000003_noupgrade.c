/* c0ffee000003_noupgrade.c - fixture plugin in tests/plugins/bad_noupgrade:
 * a proper VHOST_REVISION that forgets to define upgrade(). The macro only
 * declares it, so the file has no such symbol, and a scan must say
 * "missing upgrade()". */
#include <vhost/sdk.h>

VHOST_REVISION("c0ffee000003", NULL, "no upgrade");

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE IF EXISTS t_c0ffee000003");
}
