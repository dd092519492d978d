/* f1a5e0000004_notes.c - fixture revision in tests/plugins/flow_forget, the
 * head: correct, so a test can see that the revisions after a faulty one are
 * still checked (and pass) when the schema ends where it should. */
#include <vhost/sdk.h>

VHOST_REVISION("f1a5e0000004", "f1a5e0000003", "notes referencing items");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE flow_note (id int PRIMARY KEY, "
			    "item_id int REFERENCES flow_item (id) ON DELETE CASCADE, body text)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE flow_note");
}
