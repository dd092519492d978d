/* 4a1f00000002_half_failing.c - a revision that fails half-way, for
 * tests/sh/test_faults.sh. Its first statement succeeds; what happens next
 * is chosen by RELY_HALF:
 *   separate (default)  the second vh_exec() fails (division by zero)
 *   joined              one vh_exec() of three statements, the last failing
 *   verify              both statements run, then verify() says no, with a
 *                       message holding a quote and a backslash
 *   ok                  both statements succeed (the "fixed" revision)
 * In every failing mode the first statement's effect must be rolled back. */
#include <stdlib.h>
#include <string.h>

#include <vhost/sdk.h>

VHOST_REVISION("4a1f00000002", "4a1f00000001", "half failing");
VHOST_VERIFY();

static const char *mode(void)
{
	const char *m = getenv("RELY_HALF");

	return m && *m ? m : "separate";
}

int upgrade(vh_ctx *ctx)
{
	int rc;

	if (strcmp(mode(), "joined") == 0)
		return vh_exec(ctx, "CREATE TABLE rely_h1 (id int); "
				    "INSERT INTO rely_h0 VALUES (42); SELECT 1/0");
	if ((rc = vh_exec(ctx, "CREATE TABLE rely_h1 (id int)")) < 0)
		return rc;
	if (strcmp(mode(), "separate") == 0)
		return vh_exec(ctx, "INSERT INTO rely_h0 SELECT 1/0");
	return vh_exec(ctx, "INSERT INTO rely_h0 VALUES (42)");
}

int verify(vh_ctx *ctx)
{
	if (strcmp(mode(), "verify") == 0)
		return vh_error(ctx, "%s", "rely_h1 isn't right (RELY_HALF=verify) \\ end");
	return 0;
}

int downgrade(vh_ctx *ctx)
{
	int rc;

	if ((rc = vh_exec(ctx, "DELETE FROM rely_h0 WHERE id = 42")) < 0)
		return rc;
	return vh_exec(ctx, "DROP TABLE rely_h1");
}
