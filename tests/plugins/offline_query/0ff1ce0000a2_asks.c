/* 0ff1ce0000a2_asks.c - fixture revision in tests/plugins/offline_query:
 * its upgrade() decides from a query result (vh_query_int) and its
 * downgrade() needs the raw connection (vh_conn), so neither can be
 * rendered as a script: `--sql` must refuse, name it, and print nothing. */
#include <vhost/sdk.h>

VHOST_REVISION("0ff1ce0000a2", "0ff1ce0000a1", "asks the database");

int upgrade(vh_ctx *ctx)
{
	long long n = 0;
	int rc = vh_query_int(ctx, &n, "SELECT count(*) FROM q_plain");

	if (rc < 0)
		return rc;
	return vh_execf(ctx, "CREATE TABLE q_sized_%d (id int)", (int)(n > 0));
}

int downgrade(vh_ctx *ctx)
{
	if (!vh_conn(ctx))
		return vh_error(ctx, "downgrade needs the connection");
	return vh_exec(ctx, "DROP TABLE IF EXISTS q_sized_0, q_sized_1");
}
