/* vh_file.c - small file helpers the layers above share. A leaf. */
#include "vh_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_error.h"

/* See vh_file.h. */
int vh_file_read_all(char **out, const char *path, const char *what)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *grown;
	size_t len = 0, cap = 0, got;

	*out = NULL;
	if (!f)
		return vh_error_set(VH_ERR_GENERIC, "%s %s: %s", what, path, strerror(errno));
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			if (!(grown = realloc(buf, cap + 1))) {
				free(buf);
				fclose(f);
				return vh_error_set(VH_ERR_NOMEM, "out of memory");
			}
			buf = grown;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return vh_error_set(VH_ERR_GENERIC, "%s %s: read error", what, path);
	}
	fclose(f);
	buf[len] = '\0';
	*out = buf;
	return 0;
}
