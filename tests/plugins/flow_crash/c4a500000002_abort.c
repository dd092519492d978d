/* c4a500000002_abort.c - fixture revision in tests/plugins/flow_crash whose
 * upgrade aborts the process: `vhost test` must still drop its scratch
 * database and report the signal. */
#include <stdlib.h>

#include <vhost/sdk.h>

VHOST_REVISION("c4a500000002", "c4a500000001", "abort during upgrade");

int upgrade(vh_ctx *ctx)
{
	if (vh_exec(ctx, "CREATE TABLE flow_crash_2 (id int)") < 0)
		return -1;
	abort();
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE flow_crash_2");
}
