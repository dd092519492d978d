/* c0ffee000001_noabi.c - fixture plugin in tests/plugins/bad_noabi: declares
 * everything VHOST_REVISION would except the ABI descriptor, as a plugin
 * written against no SDK (or a foreign library dropped in plugin_dir) would.
 * A scan must refuse it with "missing ABI descriptor". */
#include <stddef.h>

typedef struct vh_ctx vh_ctx;

#define EXPORT __attribute__((visibility("default"), used))

EXPORT const char revision_id[] = "c0ffee000001";
EXPORT const char *const down_revision = NULL;
EXPORT const char revision_message[] = "no ABI descriptor";

EXPORT int upgrade(vh_ctx *ctx);
EXPORT int downgrade(vh_ctx *ctx);

int upgrade(vh_ctx *ctx)
{
	(void)ctx;
	return 0;
}

int downgrade(vh_ctx *ctx)
{
	(void)ctx;
	return 0;
}
