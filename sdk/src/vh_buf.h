/* vh_buf.h - a growable string buffer (vh_buf.c), private to the SDK. A
 * leaf module: everything else in sdk/src may use it, it uses nothing. */
#ifndef VH_BUF_H
#define VH_BUF_H

#include <stddef.h>

/* libvhost_sdk.so is built with default visibility so that the public API is
 * exported; helpers shared between its files are hidden again so plugins
 * cannot come to depend on them. */
#if defined(__GNUC__)
#define VH__HIDDEN __attribute__((visibility("hidden")))
#else
#define VH__HIDDEN
#endif

/* A growable NUL-terminated string. A failed allocation sets `oom` and makes
 * every later append a no-op, so callers check once at the end. */
typedef struct vh_buf {
	char *ptr; /* NULL until the first append */
	size_t len;
	size_t cap;
	int oom;
} vh_buf;

#define VH_BUF_INIT {NULL, 0, 0, 0}

VH__HIDDEN void vh_buf__put(vh_buf *buf, const char *s, size_t n);
VH__HIDDEN void vh_buf__puts(vh_buf *buf, const char *s);
VH__HIDDEN void vh_buf__putc(vh_buf *buf, char c);
/* Hands the text over to the caller (never NULL unless out of memory: an
 * empty buffer gives a fresh "") and leaves the buffer empty. */
VH__HIDDEN char *vh_buf__detach(vh_buf *buf);
VH__HIDDEN void vh_buf__dispose(vh_buf *buf);

#endif /* VH_BUF_H */
