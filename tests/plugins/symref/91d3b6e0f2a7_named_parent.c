/* 91d3b6e0f2a7_named_parent.c - fixture revision "named parent" in
 * tests/plugins/symref. Its down_revision points at an exported array rather
 * than a string literal, so the linker fills the pointer with a symbolic
 * relocation (R_X86_64_64 / R_AARCH64_ABS64 against parent_revision) instead
 * of the usual RELATIVE one: the scan must follow both. It creates one table
 * and drops it again. */
#include <vhost/sdk.h>

__attribute__((visibility("default"))) const char parent_revision[] = "5e1f7a2b9c40";

VHOST_REVISION("91d3b6e0f2a7", parent_revision, "named parent");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_91d3b6e0f2a7 (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_91d3b6e0f2a7");
}
