/* d7a000000002_index.c - fixture revision in tests/plugins/flow_dry: an index
 * that always applies, so a dry run shows a step that succeeds before the
 * one that fails. */
#include <vhost/sdk.h>

VHOST_REVISION("d7a000000002", "d7a000000001", "index on child note");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE INDEX flow_child_note_idx ON flow_child (note)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP INDEX flow_child_note_idx");
}
