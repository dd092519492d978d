/* vh_ctx_int.h - the SDK's private parts: the context struct and the
 * helpers around its error slot and offline script (vh_ctx.c). Neither
 * installed nor seen by the host, which goes through vh_sdk_host.h. */
#ifndef VH_CTX_INT_H
#define VH_CTX_INT_H

#include <stddef.h>

#include "vh_buf.h"
#include "vh_sdk_host.h"

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

	/* Deferred statements (vh_ctx_set_deferred, vh_batch.c): the texts
	 * vh_exec kept, NUL-separated in `pending`, each starting at
	 * piece_off[i]; `failed` once a sync point failed. */
	int deferred;
	int failed;
	vh_count_fn count;
	vh_buf pending;
	size_t *piece_off;
	size_t npieces, cap_pieces;

	/* -x KEY=VALUE arguments, borrowed from the host (vh_ctx_set_xargs). */
	const char *const *xargs;
	size_t nxargs;
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

/* vh_exec.c: recording a lost connection, a server error from `res`, and
 * a COPY that vh_exec cannot carry (drains the connection, takes `res`).
 * Each returns VH_EDB (VH_ENOMEM never: the slot degrades instead). */
VH__HIDDEN int vh_exec__conn_fail(vh_ctx *ctx, const char *sql);
VH__HIDDEN int vh_exec__result_fail(vh_ctx *ctx, const PGresult *res, const char *sql);
VH__HIDDEN int vh_exec__copy_fail(vh_ctx *ctx, PGresult *res, const char *sql);

/* vh_batch.c: keeps `sql` for the next sync point (deferred mode);
 * returns 0 or VH_ENOMEM. */
VH__HIDDEN int vh_batch__defer(vh_ctx *ctx, const char *sql);

/* vh_batch.c: sends the prelude, the deferred pieces (when `pieces`) and
 * `last` (`nlast` statements, -1 when not known) as one simple query,
 * running `wait` (may be NULL) while the server works. On success *out
 * (may be NULL) gets the last result; on failure the slot says which
 * statement failed, and *last_failed (may be NULL) is the index of the
 * failing statement inside `last`, or (size_t)-1. Returns 0 or VH_EDB. */
VH__HIDDEN int vh_batch__send(vh_ctx *ctx, int pieces, const char *last, long nlast,
			      void (*wait)(void *), void *user, PGresult **out,
			      size_t *last_failed);

#endif /* VH_CTX_INT_H */
