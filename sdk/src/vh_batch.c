/* vh_batch.c - sending what waits in a context as one simple query: the
 * host's prelude (vh_ctx_set_prelude), the statements a deferred revision
 * ran (vh_ctx_set_deferred), and a last part (a query helper's query, or
 * the host's closing statements), then telling which of them failed.
 *
 * Why one simple query and not libpq's pipeline mode: pipeline mode uses
 * the extended protocol, which takes one statement per message, so every
 * vh_exec text would have to be split before it is sent (and COPY, which
 * pipeline mode refuses, found out); a simple query carries the texts as
 * they are, as psql would send them, and the server stops at the first
 * error by itself. Splitting is needed only to blame a statement after a
 * failure, and then the host's splitter (libpg_query) does it. */
#include "vh_ctx_int.h"

#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What goes between the parts: a newline first, so a part ending in a
 * `--` comment does not swallow the semicolon. */
#define VH__SEP "\n;\n"

/* One part of the message. */
typedef struct vh__seg {
	size_t off, len; /* in the message text */
	int kind;        /* VH__PRE, VH__PIECE or VH__LAST */
	long n;          /* statements in it; -1 unknown (counted on failure) */
} vh__seg;

enum { VH__PRE, VH__PIECE, VH__LAST };

/* ---------------------------------------------------------------------
 * Deferring
 * --------------------------------------------------------------------- */

int vh_ctx_set_deferred(vh_ctx *ctx, vh_count_fn count)
{
	if (!ctx || !ctx->conn)
		return VH_EINVAL;
	ctx->deferred = 1;
	ctx->count = count;
	return 0;
}

int vh_ctx_failed(const vh_ctx *ctx)
{
	return ctx ? ctx->failed : 0;
}

int vh_ctx_pending(const vh_ctx *ctx)
{
	return ctx && (ctx->prelude || ctx->npieces) ? 1 : 0;
}

void vh_ctx_discard(vh_ctx *ctx)
{
	if (!ctx)
		return;
	ctx->npieces = 0;
	ctx->pending.len = 0;
}

/* Whether `sql` holds anything but white space. */
static int vh__blank(const char *sql)
{
	for (; *sql; sql++)
		if (*sql != ' ' && *sql != '\t' && *sql != '\n' && *sql != '\r' &&
		    *sql != '\f' && *sql != '\v')
			return 0;
	return 1;
}

int vh_batch__defer(vh_ctx *ctx, const char *sql)
{
	size_t *off;

	if (vh__blank(sql))
		return 0;
	if (ctx->npieces == ctx->cap_pieces) {
		size_t cap = ctx->cap_pieces ? ctx->cap_pieces * 2 : 8;

		if (!(off = realloc(ctx->piece_off, cap * sizeof(*off))))
			return vh_ctx__fail(ctx, VH_ENOMEM, NULL, sql, "out of memory");
		ctx->piece_off = off;
		ctx->cap_pieces = cap;
	}
	ctx->piece_off[ctx->npieces] = ctx->pending.len;
	vh_buf__puts(&ctx->pending, sql);
	vh_buf__putc(&ctx->pending, '\0'); /* pieces are kept NUL-separated */
	if (ctx->pending.oom)
		return vh_ctx__fail(ctx, VH_ENOMEM, NULL, sql, "out of memory");
	ctx->npieces++;
	ctx->statements++;
	return 0;
}

/* ---------------------------------------------------------------------
 * Blaming a statement
 * --------------------------------------------------------------------- */

/* The byte offset of the 1-based character position `pos` in `text`
 * (the server counts characters; UTF-8 continuation bytes are skipped). */
static size_t vh__byte_at(const char *text, size_t len, long pos)
{
	size_t i = 0;

	while (i < len && pos > 1) {
		i++;
		while (i < len && ((unsigned char)text[i] & 0xC0) == 0x80)
			i++;
		pos--;
	}
	return i;
}

/* The part result `k` (0-based) came from, by the error's position when it
 * has one (parse errors, unknown relations), else by counting statements
 * part by part; *within is the statement's index inside it. */
static size_t vh__blame(vh_ctx *ctx, const char *text, vh__seg *seg, size_t nseg,
			const PGresult *err, size_t k, size_t *within)
{
	const char *p = PQresultErrorField(err, PG_DIAG_STATEMENT_POSITION);
	size_t i;

	*within = (size_t)-1;
	if (p && atol(p) > 0) {
		size_t at = vh__byte_at(text, seg[nseg - 1].off + seg[nseg - 1].len, atol(p));

		for (i = nseg; i-- > 0;)
			if (at >= seg[i].off)
				break;
		if (i < nseg && (seg[i].kind != VH__LAST || seg[i].n < 0))
			return i;
		/* a known count in the last part: blame by counting below */
	}
	for (i = 0; i < nseg; i++) {
		if (seg[i].n < 0 && seg[i].kind == VH__PIECE) {
			char *piece = strndup(text + seg[i].off, seg[i].len);
			int n = piece && ctx->count ? ctx->count(piece) : -1;

			free(piece);
			seg[i].n = n < 0 ? 1 : n;
		}
		if (seg[i].n < 0 || k < (size_t)seg[i].n || i == nseg - 1) {
			*within = k;
			return i;
		}
		k -= (size_t)seg[i].n;
	}
	return nseg - 1;
}

/* ---------------------------------------------------------------------
 * Sending
 * --------------------------------------------------------------------- */

/* Builds the message: the prelude, the pending pieces, `last`. */
static char *vh__message(vh_ctx *ctx, const char *last, long nlast, vh__seg **segs,
			 size_t *nseg)
{
	vh_buf buf = VH_BUF_INIT;
	size_t i, n = 0;
	vh__seg *seg = calloc(ctx->npieces + 2, sizeof(*seg));

	if (!seg)
		return NULL;
	for (i = 0; i < ctx->npieces + 2; i++) {
		const char *part;
		int kind;
		long cnt = -1;

		if (i == 0) {
			part = ctx->prelude, kind = VH__PRE, cnt = (long)ctx->prelude_n;
		} else if (i <= ctx->npieces) {
			part = ctx->pending.ptr + ctx->piece_off[i - 1], kind = VH__PIECE;
		} else {
			part = last, kind = VH__LAST, cnt = nlast;
		}
		if (!part)
			continue;
		if (n)
			vh_buf__puts(&buf, VH__SEP);
		seg[n].off = buf.len;
		seg[n].len = strlen(part);
		seg[n].kind = kind;
		seg[n].n = cnt;
		vh_buf__puts(&buf, part);
		n++;
	}
	if (buf.oom || !n) {
		vh_buf__dispose(&buf);
		free(seg);
		return NULL;
	}
	*segs = seg;
	*nseg = n;
	return vh_buf__detach(&buf);
}

/* The whole message was refused before anything ran (a syntax error in
 * a revision's text): sends the prelude alone, so the transaction it opens
 * is never lost to the revision's mistake. 0, or VH_EDB when the prelude
 * itself fails (its error then in the slot). */
static int vh__resend_prelude(vh_ctx *ctx, const char *prelude)
{
	PGresult *res;
	int error = 0;

	if (!PQsendQuery(ctx->conn, prelude))
		return vh_exec__conn_fail(ctx, prelude);
	while ((res = PQgetResult(ctx->conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);

		if (error == 0 && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
			error = vh_exec__result_fail(ctx, res, prelude);
		PQclear(res);
	}
	return error;
}

/* Records the failure of result `k`, `err`, against the part it came from.
 * Returns VH_EDB. */
static int vh__fail_at(vh_ctx *ctx, const char *text, vh__seg *seg, size_t nseg, PGresult *err,
		       size_t k, size_t *last_failed, int *own_query)
{
	size_t within, i = vh__blame(ctx, text, seg, nseg, err, k, &within);
	char *stmt = strndup(text + seg[i].off, seg[i].len);
	int error;

	error = vh_exec__result_fail(ctx, err, stmt ? stmt : "");
	if (seg[i].kind == VH__PRE) {
		ctx->prelude_failed = 1;
	} else if (k == 0 && seg[0].kind == VH__PRE && PQstatus(ctx->conn) == CONNECTION_OK) {
		char *pre = strndup(text + seg[0].off, seg[0].len);

		/* Nothing ran: not even the prelude's first statement. */
		if (pre && vh__resend_prelude(ctx, pre) < 0)
			ctx->prelude_failed = 1;
		free(pre);
	}
	if (seg[i].kind == VH__LAST && last_failed)
		*last_failed = within;
	/* A query helper's own query failed, and everything before it ran
	 * (not a message refused whole). */
	*own_query = seg[i].kind == VH__LAST && seg[i].n < 0 && (k > 0 || nseg == 1);
	free(stmt);
	return error;
}

/* Sends the prelude, the pending pieces (with `pieces`) and `last`
 * (`nlast` statements, -1 when not known), runs `wait` while the server
 * works, and reads every result. On success *out (when not NULL) gets the
 * last result, the caller's to clear; the prelude's results go through
 * its check. Everything pending is consumed whatever happens. */
int vh_batch__send(vh_ctx *ctx, int pieces, const char *last, long nlast,
		   void (*wait)(void *), void *user, PGresult **out, size_t *last_failed)
{
	size_t saved = ctx->npieces, nseg = 0, nres = 0, k = 0, npre, i;
	vh__seg *seg = NULL;
	PGresult *res, *lastres = NULL, *err = NULL;
	char *text;
	int error = 0, copy = 0, in_last = 0;

	if (out)
		*out = NULL;
	if (last_failed)
		*last_failed = (size_t)-1;
	if (!pieces)
		ctx->npieces = 0;
	text = vh__message(ctx, last, nlast, &seg, &nseg);
	npre = ctx->prelude ? ctx->prelude_n : 0;
	ctx->npieces = saved;
	free(ctx->prelude);
	ctx->prelude = NULL;
	if (pieces)
		vh_ctx_discard(ctx);
	if (!text) {
		free(seg);
		return vh_ctx__fail(ctx, VH_ENOMEM, NULL, last, "out of memory");
	}
	if (PQstatus(ctx->conn) != CONNECTION_OK || !PQsendQuery(ctx->conn, text)) {
		if (seg[0].kind == VH__PRE)
			ctx->prelude_failed = 1;
		error = vh_exec__conn_fail(ctx, last ? last : text);
		goto done;
	}
	if (wait)
		wait(user);
	while ((res = PQgetResult(ctx->conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);

		if (err || copy) {
			PQclear(res);
		} else if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ||
			   st == PGRES_EMPTY_QUERY) {
			if (nres < npre && ctx->prelude_check &&
			    ctx->prelude_check(ctx->prelude_user, ctx, nres, res) != 0) {
				ctx->prelude_failed = 1;
				error = VH_EDB;
			}
			nres++;
			PQclear(lastres);
			lastres = res;
		} else if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) {
			copy = 1;
			k = nres;
			error = vh_exec__copy_fail(ctx, res, text); /* drains the rest */
			break;
		} else {
			err = res;
			k = nres;
		}
	}
	if (err) {
		error = vh__fail_at(ctx, text, seg, nseg, err, k, last_failed, &in_last);
		PQclear(err);
	} else if (copy) {
		size_t within;

		i = vh__blame(ctx, text, seg, nseg, NULL, k, &within);
		{
			char *stmt = strndup(text + seg[i].off, seg[i].len);

			vh_ctx__fail(ctx, VH_EDB, NULL, stmt ? stmt : "",
				     "COPY cannot run through vh_exec(); use vh_conn() "
				     "with libpq's PQputCopyData()/PQgetCopyData()");
			free(stmt);
		}
	} else if (error == 0 && PQstatus(ctx->conn) != CONNECTION_OK) {
		error = vh_exec__conn_fail(ctx, last ? last : text);
	}
	if (error == 0 && out) {
		*out = lastres;
		lastres = NULL;
	}
done:
	/* A deferred statement that failed leaves the revision failed; a
	 * query helper's own failing query leaves it as an immediate one
	 * would (the transaction aborted, a savepoint to return to). */
	if (error < 0 && ctx->deferred && !in_last)
		ctx->failed = 1;
	PQclear(lastres);
	free(text);
	free(seg);
	return error;
}

/* ---------------------------------------------------------------------
 * The host's sync points
 * --------------------------------------------------------------------- */

int vh_ctx_sync(vh_ctx *ctx, const char *tail, size_t ntail, void (*wait)(void *), void *user,
		size_t *tail_failed)
{
	if (tail_failed)
		*tail_failed = (size_t)-1;
	if (!ctx || !ctx->conn)
		return VH_EINVAL;
	if (ctx->failed)
		return VH_EDB;
	if (!tail && !vh_ctx_pending(ctx))
		return 0;
	return vh_batch__send(ctx, 1, tail, tail ? (long)ntail : -1, wait, user, NULL,
			      tail_failed);
}

/* Sends the pending prelude alone; see vh_sdk_host.h. */
int vh_ctx_flush_prelude(vh_ctx *ctx)
{
	if (!ctx || !ctx->prelude)
		return 0;
	return vh_batch__send(ctx, 0, NULL, -1, NULL, NULL, NULL, NULL);
}
