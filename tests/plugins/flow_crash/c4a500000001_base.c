/* c4a500000001_base.c - fixture revision in tests/plugins/flow_crash: a
 * correct base, so the scratch database has something in it when the next
 * revision brings the test process down. */
#include <vhost/sdk.h>

VHOST_REVISION("c4a500000001", NULL, "crash base");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE flow_crash (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE flow_crash");
}
