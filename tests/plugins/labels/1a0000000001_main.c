/* Fixture for tests/sh/test_labels.sh: main: accounts */
#include <vhost/sdk.h>

VHOST_REVISION("1a0000000001", NULL, "main: accounts");
VHOST_BRANCH_LABELS("main");


int upgrade(vh_ctx *ctx) { return vh_exec(ctx, "CREATE TABLE accounts (id int PRIMARY KEY)"); }
int downgrade(vh_ctx *ctx) { return vh_exec(ctx, "DROP TABLE accounts"); }
