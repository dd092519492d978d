/* 01_index - lint fixture for the gate before upgrade: an index built
 * without CONCURRENTLY on the large table, an error when connected. */
#include <vhost/sdk.h>

VHOST_REVISION("gate", NULL, "index on the large table");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE INDEX gate_idx ON big (b)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP INDEX gate_idx");
}
