/* vh_buf.c - the growable string buffer the SDK's files build text in. A
 * leaf: it calls nothing else of the SDK. */
#include "vh_buf.h"

#include <stdlib.h>
#include <string.h>

/* Makes room for `extra` more bytes plus the terminator, doubling so that a
 * long script costs amortised linear time. Sets `oom` on failure. */
static int vh_buf__grow(vh_buf *buf, size_t extra)
{
	size_t need, cap;
	char *p;

	if (buf->oom)
		return -1;
	if (extra > (size_t)-1 - buf->len - 1)
		goto oom;
	need = buf->len + extra + 1;
	if (need <= buf->cap)
		return 0;
	cap = buf->cap ? buf->cap : 64;
	while (cap < need)
		cap = cap > (size_t)-1 / 2 ? need : cap * 2;
	p = realloc(buf->ptr, cap);
	if (!p)
		goto oom;
	buf->ptr = p;
	buf->cap = cap;
	return 0;
oom:
	buf->oom = 1;
	return -1;
}

void vh_buf__put(vh_buf *buf, const char *s, size_t n)
{
	if (vh_buf__grow(buf, n) < 0)
		return;
	memcpy(buf->ptr + buf->len, s, n);
	buf->len += n;
	buf->ptr[buf->len] = '\0';
}

void vh_buf__puts(vh_buf *buf, const char *s)
{
	vh_buf__put(buf, s, strlen(s));
}

void vh_buf__putc(vh_buf *buf, char c)
{
	vh_buf__put(buf, &c, 1);
}

/* See vh_buf.h. A buffer that ran out of memory gives NULL and is
 * emptied all the same. */
char *vh_buf__detach(vh_buf *buf)
{
	char *s;

	if (buf->oom) {
		vh_buf__dispose(buf);
		return NULL;
	}
	s = buf->ptr ? buf->ptr : strdup("");
	buf->ptr = NULL;
	buf->len = buf->cap = 0;
	return s;
}

void vh_buf__dispose(vh_buf *buf)
{
	free(buf->ptr);
	buf->ptr = NULL;
	buf->len = buf->cap = 0;
	buf->oom = 0;
}
