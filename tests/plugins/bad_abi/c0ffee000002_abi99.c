/* c0ffee000002_abi99.c - fixture plugin in tests/plugins/bad_abi: what
 * VHOST_REVISION expands to, written out by hand with abi_major 99, as a
 * plugin built against a future, incompatible SDK would carry. Both the scan
 * (reading the file) and vh_plugin_open (after dlopen) must refuse it. */
#include <vhost/sdk.h>

#define EXPORT __attribute__((visibility("default"), used))

EXPORT const char revision_id[] = "c0ffee000002";
EXPORT const char *const down_revision = NULL;
EXPORT const char revision_message[] = "ABI 99";
EXPORT const vh_abi_desc vh_revision_abi_data = {sizeof(vh_abi_desc), 99, 0,
						 VH_ABI_MAGIC, 0};
EXPORT const vh_abi_desc *vh_revision_abi(void);
EXPORT int upgrade(vh_ctx *ctx);
EXPORT int downgrade(vh_ctx *ctx);

const vh_abi_desc *vh_revision_abi(void)
{
	return &vh_revision_abi_data;
}

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE t_c0ffee000002 (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE t_c0ffee000002");
}
