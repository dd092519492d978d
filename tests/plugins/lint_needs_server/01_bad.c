/* 01_bad - lint fixture for rule needs-server: upgrade() asks the server
 * (vh_query_int), so lint renders only the statement before the query. */
#include <vhost/sdk.h>

VHOST_REVISION("bad", NULL, "triggers needs-server");

int upgrade(vh_ctx *ctx)
{
	long long n = 0;
	int rc;

	if ((rc = vh_exec(ctx, "ALTER TABLE big ADD COLUMN counted integer")) != 0 ||
	    (rc = vh_query_int(ctx, &n, "SELECT count(*) FROM big")) != 0)
		return rc;
	return vh_execf(ctx, "ALTER TABLE big ALTER COLUMN counted SET DEFAULT %lld", n);
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big DROP COLUMN counted");
}
