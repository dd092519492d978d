/* Fixture for tests/sh/test_labels.sh: main: accounts.email */
#include <vhost/sdk.h>

VHOST_REVISION("1a0000000002", "1a0000000001", "main: accounts.email");



int upgrade(vh_ctx *ctx) { return vh_exec(ctx, "ALTER TABLE accounts ADD COLUMN email text"); }
int downgrade(vh_ctx *ctx) { return vh_exec(ctx, "ALTER TABLE accounts DROP COLUMN email"); }
