/* Fixture for tests/sh/test_labels.sh: shop: orders.total */
#include <vhost/sdk.h>

VHOST_REVISION("5b0000000002", "5b0000000001", "shop: orders.total");



int upgrade(vh_ctx *ctx) { return vh_exec(ctx, "ALTER TABLE orders ADD COLUMN total numeric"); }
int downgrade(vh_ctx *ctx) { return vh_exec(ctx, "ALTER TABLE orders DROP COLUMN total"); }
