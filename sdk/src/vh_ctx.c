/* vh_ctx.c - the revision context: its lifetime, what a revision reads from
 * it, the last-error slot, logging, and the offline script it records. */
#include "vh_ctx_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The error strings point here when unset, or when copying them ran out of
 * memory, so vh_last_error() never hands out NULL and the slot never needs
 * an allocation to report a failure. Never freed. */
static char vh__empty[] = "";
static char vh__oom_message[] = "out of memory";

/* ---------------------------------------------------------------------
 * Lifetime
 * --------------------------------------------------------------------- */

/* Copies `s` (NULL counts as ""). Returns NULL only when out of memory. */
static char *vh__strdup0(const char *s)
{
	return strdup(s ? s : "");
}

/* Creates the context; see vh_sdk_host.h. Returns NULL when out of memory,
 * having freed whatever it had allocated. */
vh_ctx *vh_ctx_new(PGconn *conn, const char *schema, const char *revision_id,
		   vh_log_fn log, void *log_user)
{
	vh_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return NULL;
	ctx->conn = conn;
	ctx->log = log;
	ctx->log_user = log_user;
	ctx->err_message = ctx->err_sqlstate = ctx->err_statement = vh__empty;
	ctx->err.message = ctx->err.sqlstate = ctx->err.statement = vh__empty;
	ctx->schema = vh__strdup0(schema);
	ctx->revision = vh__strdup0(revision_id);
	if (!ctx->schema || !ctx->revision) {
		vh_ctx_free(ctx);
		return NULL;
	}
	return ctx;
}

/* Releases one error string unless it is one of the static constants. */
static void vh__err_release(char *s)
{
	if (s != vh__empty && s != vh__oom_message)
		free(s);
}

/* Frees the context and everything it owns; the connection stays the
 * host's. NULL does nothing. */
void vh_ctx_free(vh_ctx *ctx)
{
	if (!ctx)
		return;
	free(ctx->schema);
	free(ctx->revision);
	vh__err_release(ctx->err_message);
	vh__err_release(ctx->err_sqlstate);
	vh__err_release(ctx->err_statement);
	vh_buf__dispose(&ctx->script);
	free(ctx->prelude);
	vh_buf__dispose(&ctx->pending);
	free(ctx->piece_off);
	free(ctx);
}

/* ---------------------------------------------------------------------
 * What the host reads back
 * --------------------------------------------------------------------- */

/* The recorded script, owned by the context; "" when nothing was recorded
 * (and after running out of memory, which vh_ctx__record reported). */
const char *vh_ctx_script(const vh_ctx *ctx)
{
	if (!ctx || !ctx->script.ptr || ctx->script.oom)
		return "";
	return ctx->script.ptr;
}

/* Whether an offline run asked for a live server; *why borrows a literal. */
int vh_ctx_needs_online(const vh_ctx *ctx, const char **why)
{
	if (why)
		*why = ctx && ctx->needs_online ? ctx->online_why : "";
	return ctx ? ctx->needs_online : 0;
}

/* Statements sent or recorded successfully (a multi-statement text counts
 * once, whitespace-only text not at all). */
size_t vh_ctx_statements(const vh_ctx *ctx)
{
	return ctx ? ctx->statements : 0;
}

/* ---------------------------------------------------------------------
 * The host's prelude (the sending is in vh_exec.c)
 * --------------------------------------------------------------------- */

/* Keeps a copy of the prelude until a statement carries it; see
 * vh_sdk_host.h. Offline there is no round trip to save, and the host
 * writes its own statements into the script, so a prelude is refused. */
int vh_ctx_set_prelude(vh_ctx *ctx, const char *sql, size_t nstatements,
		       vh_prelude_check_fn check, void *user)
{
	char *copy;

	if (!ctx || !ctx->conn || !sql)
		return VH_EINVAL;
	if (!(copy = strdup(sql)))
		return vh_ctx__fail(ctx, VH_ENOMEM, NULL, NULL,
				    "out of memory keeping the host's prelude");
	free(ctx->prelude);
	ctx->prelude = copy;
	ctx->prelude_n = nstatements;
	ctx->prelude_check = check;
	ctx->prelude_user = user;
	ctx->prelude_failed = 0;
	return 0;
}

int vh_ctx_prelude_pending(const vh_ctx *ctx)
{
	return ctx && ctx->prelude != NULL;
}

int vh_ctx_prelude_failed(const vh_ctx *ctx)
{
	return ctx ? ctx->prelude_failed : 0;
}

/* ---------------------------------------------------------------------
 * The last-error slot
 * --------------------------------------------------------------------- */

/* Replaces the three error strings, taking ownership of `message` (which
 * may be NULL after a failed allocation: the message then says so) and
 * copying the other two. */
static void vh__err_store(vh_ctx *ctx, char *message, const char *sqlstate,
			  const char *statement)
{
	char *state = sqlstate && *sqlstate ? strdup(sqlstate) : vh__empty;
	char *stmt = statement && *statement ? strdup(statement) : vh__empty;

	vh__err_release(ctx->err_message);
	vh__err_release(ctx->err_sqlstate);
	vh__err_release(ctx->err_statement);
	/* Losing the statement to a failed copy is acceptable; losing the
	 * fact that something failed is not, hence the fixed message. */
	ctx->err_message = message ? message : vh__oom_message;
	ctx->err_sqlstate = state ? state : vh__empty;
	ctx->err_statement = stmt ? stmt : vh__empty;
	ctx->err.message = ctx->err_message;
	ctx->err.sqlstate = ctx->err_sqlstate;
	ctx->err.statement = ctx->err_statement;
}

/* Formats into a new string; NULL when out of memory. */
static char *vh__vstrf(const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	return s;
}

/* Sets the error; see vh_ctx_int.h. */
int vh_ctx__fail(vh_ctx *ctx, int code, const char *sqlstate,
		 const char *statement, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (!ctx)
		return code;
	va_start(ap, fmt);
	msg = vh__vstrf(fmt, ap);
	va_end(ap);
	vh__err_store(ctx, msg, sqlstate, statement);
	return code;
}

/* The host's way in to the slot; strings are copied, NULL counts as "". */
void vh_ctx_set_error(vh_ctx *ctx, const char *message, const char *sqlstate,
		      const char *statement)
{
	if (!ctx)
		return;
	vh__err_store(ctx, vh__strdup0(message), sqlstate, statement);
}

/* A revision's way of saying why it fails: the message from `fmt`, no
 * SQLSTATE, no statement. Always returns VH_ERROR. */
int vh_error(vh_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (!ctx)
		return VH_ERROR;
	va_start(ap, fmt);
	msg = vh__vstrf(fmt ? fmt : "", ap);
	va_end(ap);
	vh__err_store(ctx, msg, NULL, NULL);
	return VH_ERROR;
}

/* The slot, owned by the context. A NULL context gets an empty record
 * rather than NULL, as the contract promises. */
const vh_error_info *vh_last_error(const vh_ctx *ctx)
{
	static const vh_error_info none = {"", "", ""};

	return ctx ? &ctx->err : &none;
}

/* ---------------------------------------------------------------------
 * Accessors
 * --------------------------------------------------------------------- */

/* The accessors below read what the host set up; strings are owned by the
 * context, and a NULL context reads as an empty, offline one. */
const char *vh_schema(const vh_ctx *ctx)
{
	return ctx ? ctx->schema : "";
}

const char *vh_revision_id(const vh_ctx *ctx)
{
	return ctx ? ctx->revision : "";
}

int vh_is_offline(const vh_ctx *ctx)
{
	return !ctx || !ctx->conn;
}

void vh_ctx_set_xargs(vh_ctx *ctx, const char *const *kv, size_t n)
{
	if (!ctx)
		return;
	ctx->xargs = kv;
	ctx->nxargs = n;
}

/* The last "key=value" wins, as a later -x overrides an earlier one. */
const char *vh_xarg(const vh_ctx *ctx, const char *key)
{
	size_t i, klen;

	if (!ctx || !key)
		return NULL;
	klen = strlen(key);
	for (i = ctx->nxargs; i-- > 0;) {
		const char *kv = ctx->xargs[i];

		if (strncmp(kv, key, klen) == 0 && kv[klen] == '=')
			return kv + klen + 1;
	}
	return NULL;
}

/* See vh_ctx_int.h: the first reason is the one worth reporting, since
 * the calls after it may only follow from it. */
void vh_ctx__need_online(vh_ctx *ctx, const char *why)
{
	if (!ctx->needs_online) {
		ctx->needs_online = 1;
		ctx->online_why = why;
	}
}

/* Memory the SDK handed out was allocated by the SDK's own malloc, so it is
 * released here rather than by the plugin's. */
void vh_free(void *ptr)
{
	free(ptr);
}

/* ---------------------------------------------------------------------
 * Logging
 * --------------------------------------------------------------------- */

/* Formats one line and hands it to the host's callback, or without one
 * writes "[<revision>] <line>" to stderr (DEBUG dropped, as the host does
 * without -v). A trailing newline in the text is dropped so authors may
 * write one or not. Out of memory loses the line silently: logging must not
 * turn into a failure of the revision. */
void vh_log(vh_ctx *ctx, vh_log_level level, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	size_t n;

	if (!ctx || !fmt)
		return;
	va_start(ap, fmt);
	msg = vh__vstrf(fmt, ap);
	va_end(ap);
	if (!msg)
		return;
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	if (ctx->log)
		ctx->log(ctx->log_user, level, ctx->revision, msg);
	else if (level != VH_LOG_DEBUG)
		fprintf(stderr, "[%s] %s%s\n", ctx->revision,
			level == VH_LOG_WARNING ? "warning: " : "", msg);
	free(msg);
}

/* ---------------------------------------------------------------------
 * The offline script
 * --------------------------------------------------------------------- */

static int vh__is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

/* Normalises `sql` to end in exactly one terminator: trailing whitespace
 * goes, and ";" is added unless the text already ends with one. When the
 * last line holds "--", the end may be inside a line comment, where an
 * appended ";" (or the one already there) would be commented out and fuse
 * this statement with the next; the terminator then goes on a line of its
 * own, at worst an empty statement psql accepts. Whitespace-only text
 * records nothing. */
/* Whether `sql[0..n)` ends inside a "--" comment, so a ";" appended on the
 * same line would be swallowed. Quotes ('...', "...", $tag$...$tag$) and
 * block comments are skipped, so "--" inside a literal does not count. */
static int vh__ends_in_line_comment(const char *sql, size_t n)
{
	size_t i = 0, k, taglen;

	while (i < n) {
		char c = sql[i];

		if (c == '\'' || c == '"') {
			for (i++; i < n && sql[i] != c; i++)
				;
			i++;
		} else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
			while (i < n && sql[i] != '\n')
				i++;
			if (i >= n)
				return 1;
		} else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
			for (i += 2; i + 1 < n && !(sql[i] == '*' && sql[i + 1] == '/'); i++)
				;
			i += 2;
		} else if (c == '$') {
			/* $tag$ ... $tag$: tag of letters, digits, underscores */
			for (k = i + 1; k < n && (isalnum((unsigned char)sql[k]) || sql[k] == '_'); k++)
				;
			if (k < n && sql[k] == '$') {
				taglen = k - i + 1;
				for (i = k + 1; i + taglen <= n && memcmp(sql + i, sql + k - taglen + 1, taglen); i++)
					;
				i += taglen;
			} else {
				i++;
			}
		} else {
			i++;
		}
	}
	return 0;
}

int vh_ctx__record(vh_ctx *ctx, const char *sql)
{
	size_t n = strlen(sql);
	int in_comment;

	while (n > 0 && vh__is_space(sql[n - 1]))
		n--;
	if (n == 0)
		return 0;
	in_comment = vh__ends_in_line_comment(sql, n);

	vh_buf__put(&ctx->script, sql, n);
	if (in_comment)
		vh_buf__puts(&ctx->script, "\n;\n");
	else
		vh_buf__puts(&ctx->script, sql[n - 1] == ';' ? "\n" : ";\n");
	if (ctx->script.oom)
		return vh_ctx__fail(ctx, VH_ENOMEM, NULL, NULL,
				    "out of memory recording the offline script");
	return 0;
}
