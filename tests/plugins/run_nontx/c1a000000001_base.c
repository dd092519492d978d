/* c1a000000001_base.c - fixture revision "nontx base" in
 * tests/plugins/run_nontx: the table the non-transactional revision after it
 * indexes. */
#include <vhost/sdk.h>

VHOST_REVISION("c1a000000001", NULL, "nontx base");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_run_nontx (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_run_nontx");
}
