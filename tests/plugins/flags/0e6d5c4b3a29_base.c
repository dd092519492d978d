/* 0e6d5c4b3a29_base.c - fixture revision "table to index" in
 * tests/plugins/flags: the base of 0e6d5c4b3a29 -> 6b2e9a0d7c35 ->
 * a47c1e8f3d60, the set whose revisions use the optional declarations
 * (non-transactional, verify, description). It creates the table the next
 * revision indexes. */
#include <vhost/sdk.h>

VHOST_REVISION("0e6d5c4b3a29", NULL, "table to index");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_0e6d5c4b3a29 (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_0e6d5c4b3a29");
}
