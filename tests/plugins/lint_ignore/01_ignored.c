/* 01_ignored - lint fixture for VHOST_LINT_IGNORE: an index build on the
 * large table, silenced with a reason, and a rename left to report. */
#include <vhost/sdk.h>

VHOST_REVISION("ignored", NULL, "a silenced finding and one that is not");
VHOST_LINT_IGNORE("index-not-concurrent", "big is written only by the nightly batch, which is paused");
VHOST_LINT_IGNORE("drop-table", "listed to show an ignore that matches nothing is harmless");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE INDEX big_ign_idx ON big (b);\n"
			    "ALTER TABLE big RENAME COLUMN b TO bee");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE big RENAME COLUMN bee TO b;\nDROP INDEX big_ign_idx");
}
