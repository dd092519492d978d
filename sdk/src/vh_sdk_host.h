/* vh_sdk_host.h - the host's side of libvhost_sdk: creating contexts and
 * reading back what a revision did. Not installed; revision authors never
 * see it. The host links the same libvhost_sdk.so its plugins link, so one
 * copy of the SDK serves both. */
#ifndef VH_SDK_HOST_H
#define VH_SDK_HOST_H

#include <vhost/sdk.h>

/* Where vh_log() lines go. `revision` and `msg` are borrowed for the call. */
typedef void (*vh_log_fn)(void *user, vh_log_level level, const char *revision,
			  const char *msg);

/* Creates a context for running one revision. `conn` NULL means offline:
 * statements are recorded, not sent. `schema` and `revision_id` are copied.
 * `log` may be NULL (lines then go to stderr). Returns NULL on out of memory.
 * The caller owns the context and frees it with vh_ctx_free(). */
vh_ctx *vh_ctx_new(PGconn *conn, const char *schema, const char *revision_id,
		   vh_log_fn log, void *log_user);

/* Hands the context the `-x KEY=VALUE` arguments that vh_xarg() reads:
 * `kv[0..n)` are "key=value" strings, borrowed: they must outlive the
 * context. A later key wins over an earlier one, as in Alembic's dict. */
void vh_ctx_set_xargs(vh_ctx *ctx, const char *const *kv, size_t n);

/* Frees a context. vh_ctx_free(NULL) does nothing. */
void vh_ctx_free(vh_ctx *ctx);

/* Offline: the statements recorded so far, each ending with ";\n", in the
 * order they were run. "" when none. Owned by the context. */
const char *vh_ctx_script(const vh_ctx *ctx);

/* Offline: non-zero when the revision asked for something that needs a live
 * server (vh_conn, vh_query_*), so its script would be incomplete. *why (if
 * not NULL) then names the first such call, e.g. "vh_query_value()". */
int vh_ctx_needs_online(const vh_ctx *ctx, const char **why);

/* Number of statements sent or recorded through this context. */
size_t vh_ctx_statements(const vh_ctx *ctx);

/* Records an error from outside the SDK functions (e.g. the host's own
 * statements, or a revision returning non-zero without saying why) so the
 * host reads every failure through vh_last_error(). Strings are copied;
 * NULL counts as "". */
void vh_ctx_set_error(vh_ctx *ctx, const char *message, const char *sqlstate,
		      const char *statement);

/* ---------------------------------------------------------------------
 * The prelude: the host's statements in the revision's first round trip
 * --------------------------------------------------------------------- */

/* libpq's result type, declared the way libpq-fe.h does (C11 allows the
 * identical typedef twice). */
typedef struct pg_result PGresult;

/* Sees the result of each prelude statement that succeeded, in order
 * (`index` from 0). Returns 0 to accept it; otherwise it records why in
 * `ctx` with vh_ctx_set_error() and returns non-zero, and the prelude counts
 * as failed. The server has run the rest of the text by then: a check
 * cannot stop later statements, only report. */
typedef int (*vh_prelude_check_fn)(void *user, vh_ctx *ctx, size_t index,
				   const PGresult *res);

/* Online: `sql` (`nstatements` statements, each giving one result) is sent
 * in front of the first statement the revision runs (vh_exec, vh_execf,
 * vh_query_*), in the same simple query, so the host's BEGIN and settings,
 * or the previous revision's version-table change and COMMIT, cost no round
 * trip of their own. vh_conn() sends it alone first, since the revision may
 * then use libpq directly. A revision that runs nothing leaves it pending:
 * the host sends it with vh_ctx_flush_prelude().
 *
 * When the prelude fails, the revision's own text has not run (the server
 * stops at the first error); its vh_* call returns VH_EDB with the
 * prelude's error, and vh_ctx_prelude_failed() tells the host the failure
 * is its own. A syntax or encoding error in the revision's text makes the
 * server reject the whole query before anything runs; the SDK then sends
 * the prelude alone, so it is never lost to a mistake in the revision.
 *
 * `sql` is copied; `check` may be NULL. Replaces an earlier prelude not yet
 * sent. Returns 0, VH_EINVAL (no connection), or VH_ENOMEM. */
int vh_ctx_set_prelude(vh_ctx *ctx, const char *sql, size_t nstatements,
		       vh_prelude_check_fn check, void *user);

/* 1 while the prelude has not been sent, else 0. */
int vh_ctx_prelude_pending(const vh_ctx *ctx);

/* 1 when the prelude was sent and failed (or a check refused a result);
 * the error is in vh_last_error(). */
int vh_ctx_prelude_failed(const vh_ctx *ctx);

/* Sends a pending prelude on its own (deferred statements stay pending). Returns 0 (also when none is
 * pending), or VH_EDB when it failed, with the error in the slot. */
int vh_ctx_flush_prelude(vh_ctx *ctx);

/* ---------------------------------------------------------------------
 * Deferred statements: a revision's whole transaction in one round trip
 * --------------------------------------------------------------------- */

/* Counts the statements in `sql` the way the server splits a simple query
 * (the host passes libpg_query's splitter); -1 when it cannot tell. */
typedef int (*vh_count_fn)(const char *sql);

/* Online, for a revision built against SDK ABI 1.3 or later (whose header
 * says vh_exec may report an error at the next sync point): vh_exec and
 * vh_execf keep their statements instead of sending them. They go to the
 * server, after the prelude, at the next sync point: a query helper (which
 * needs an answer), vh_conn() (which also ends deferring for the context,
 * since the revision then talks to libpq itself), or the host's
 * vh_ctx_sync() with its closing statements. When the server refuses one,
 * the slot names the failing statement (by the error's position, or by
 * counting results with `count`), and the context is failed
 * (vh_ctx_failed): later calls return VH_EDB without sending anything, as
 * the server's aborted transaction would refuse them. Returns 0 or
 * VH_EINVAL (offline). */
int vh_ctx_set_deferred(vh_ctx *ctx, vh_count_fn count);

/* 1 once a sync point of a deferred context failed, else 0. */
int vh_ctx_failed(const vh_ctx *ctx);

/* 1 while a prelude or deferred statements wait to be sent, else 0. */
int vh_ctx_pending(const vh_ctx *ctx);

/* Drops the deferred statements not yet sent (a revision that failed
 * before its sync point: nothing of it needs to reach the server). The
 * prelude stays pending. */
void vh_ctx_discard(vh_ctx *ctx);

/* The host's sync point: sends the prelude, the deferred statements and
 * `tail` (the host's `ntail` statements, NULL for none) as one simple
 * query, calls `wait(user)` (may be NULL) once it is sent, so the client's
 * next work overlaps the server's, and reads every result. Returns 0, or
 * VH_EDB with the failure in the slot (the prelude's when
 * vh_ctx_prelude_failed); *tail_failed (may be NULL) is then the index of
 * the failing statement of `tail`, or (size_t)-1 when it was not one of
 * them. Without a tail and with nothing pending, sends nothing. */
int vh_ctx_sync(vh_ctx *ctx, const char *tail, size_t ntail, void (*wait)(void *), void *user,
		size_t *tail_failed);

/* Quoting shared by the SDK's %I/%L and the host's own SQL. Both return a
 * new string the caller frees with vh_free(), or NULL on out of memory.
 * vh_quote_ident quotes only when needed, as PostgreSQL's quote_ident() does
 * (not lower-case, not a plain identifier, or a reserved keyword).
 * vh_quote_literal always quotes, doubling quotes and, when the text holds a
 * backslash, using the E'' form. */
char *vh_quote_ident(const char *ident);
char *vh_quote_literal(const char *text);

#endif /* VH_SDK_HOST_H */
