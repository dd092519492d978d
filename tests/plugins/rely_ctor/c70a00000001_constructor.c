/* c70a00000001_constructor.c - a revision with a library constructor, for
 * tests/sh/test_security.sh: the constructor runs the moment the file is
 * dlopen()ed, and leaves the file named by $RELY_CTOR_MARK behind. Commands
 * that only read metadata (history, heads, plugins, current), and any
 * command over a plugin directory that fails the permission check, must
 * never run it. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>

#include <vhost/sdk.h>

VHOST_REVISION("c70a00000001", NULL, "constructor");

__attribute__((constructor)) static void rely_mark(void)
{
	const char *path = getenv("RELY_CTOR_MARK");
	FILE *f;

	if (path && *path && (f = fopen(path, "a"))) {
		fputs("constructor ran\n", f);
		fclose(f);
	}
}

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE TABLE rely_ctor (id int)");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "DROP TABLE rely_ctor");
}
