/* vh_sdk_int.h - the SDK's private parts: the context struct, a growable
 * string buffer and the helpers the SDK's files share. Neither installed nor
 * seen by the host, which goes through vh_sdk_host.h. */
#ifndef VH_SDK_INT_H
#define VH_SDK_INT_H

#include <stdarg.h>
#include <stddef.h>

#include "vh_sdk_host.h"

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

struct vh_ctx {
	PGconn *conn;   /* borrowed from the host; NULL when offline */
	char *schema;   /* owned copies */
	char *revision;
	vh_log_fn log;  /* may be NULL: lines then go to stderr */
	void *log_user;

	/* The last failure. Each string is owned, or points at a static
	 * constant (see vh_ctx.c), so none is ever NULL; `err` holds views
	 * of the three for vh_last_error(). */
	char *err_message;
	char *err_sqlstate;
	char *err_statement;
	vh_error_info err;

	vh_buf script;          /* offline: the recorded statements */
	int needs_online;       /* offline: a call needed a live server */
	const char *online_why; /* the first such call, a string literal */
	size_t statements;      /* sent or recorded successfully */

	/* The host's prelude (vh_ctx_set_prelude), NULL when none is pending. */
	char *prelude;
	size_t prelude_n;
	vh_prelude_check_fn prelude_check;
	void *prelude_user;
	int prelude_failed;
};

/* Records the last error: the message from `fmt` (prefixed by nothing; the
 * caller names itself), and copies of `sqlstate` and `statement` (NULL counts
 * as ""). Returns `code` so callers can `return vh_ctx__fail(...)`. Out of
 * memory degrades to a fixed message instead of failing. */
VH__HIDDEN int vh_ctx__fail(vh_ctx *ctx, int code, const char *sqlstate,
			    const char *statement, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Offline: marks the context as needing a live server because of `why`
 * (a string literal such as "vh_conn()"); the first reason is kept. */
VH__HIDDEN void vh_ctx__need_online(vh_ctx *ctx, const char *why);

/* Offline: appends one statement to the script, normalised to end in ";\n".
 * Returns 0 or VH_ENOMEM (with the error set). */
VH__HIDDEN int vh_ctx__record(vh_ctx *ctx, const char *sql);

/* Online: sends the pending prelude alone; see vh_ctx_flush_prelude. */
VH__HIDDEN int vh_exec__flush_prelude(vh_ctx *ctx);

/* The format engine behind vh_execf, vh_format and vh_query_*. `fn` names
 * the public function in error messages. On success *out is a new string
 * the caller frees; on failure *out is NULL, the error is set on ctx and
 * the code is VH_EINVAL or VH_ENOMEM. `ap` is consumed. */
VH__HIDDEN int vh_format__v(vh_ctx *ctx, const char *fn, char **out,
			    const char *fmt, va_list ap);

#endif /* VH_SDK_INT_H */
