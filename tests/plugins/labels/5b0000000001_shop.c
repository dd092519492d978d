/* Fixture for tests/sh/test_labels.sh: shop: orders need accounts */
#include <vhost/sdk.h>

VHOST_REVISION("5b0000000001", NULL, "shop: orders need accounts");
VHOST_BRANCH_LABELS("shop");
VHOST_DEPENDS_ON("1a0000000002");

int upgrade(vh_ctx *ctx) { return vh_exec(ctx, "CREATE TABLE orders (id int PRIMARY KEY, account int REFERENCES accounts)"); }
int downgrade(vh_ctx *ctx) { return vh_exec(ctx, "DROP TABLE orders"); }
