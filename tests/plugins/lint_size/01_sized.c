/* 01_sized - lint fixture for size weighting: the same two findings on the
 * large table `big` and on the empty table `empty` (tests/sh/test_lint.sh
 * makes both), errors on the first and notes on the second when connected,
 * warnings offline. */
#include <vhost/sdk.h>

VHOST_REVISION("sized", NULL, "the same changes on a large and an empty table");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE INDEX big_b_idx ON big (b);\n"
			    "CREATE INDEX empty_b_idx ON empty (b);\n"
			    "ALTER TABLE big ADD COLUMN req integer NOT NULL;\n"
			    "ALTER TABLE empty ADD COLUMN req integer NOT NULL");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE empty DROP COLUMN req;\n"
			    "ALTER TABLE big DROP COLUMN req;\n"
			    "DROP INDEX empty_b_idx;\n"
			    "DROP INDEX big_b_idx");
}
