/* 0ff1ce000006_concurrent.c - fixture revision in tests/plugins/offline_graph:
 * non-transactional, so the script must step out of its transaction for it
 * (COMMIT ... BEGIN, as Alembic's autocommit_block). The head. */
#include <vhost/sdk.h>

VHOST_REVISION("0ff1ce000006", "0ff1ce000005", "index notes concurrently");
VHOST_NON_TRANSACTIONAL();

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE INDEX CONCURRENTLY ix_items_note ON \"Offline Items\" (note)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP INDEX CONCURRENTLY ix_items_note");
}
