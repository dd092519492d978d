/* vh_exec.c - running SQL for a revision: sent to the server online,
 * recorded for the script offline, with the server's error kept in the
 * context's last-error slot. */
#include "vh_ctx_int.h"
#include "vh_format_int.h"

#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* SQLSTATE connection_failure: what a lost or never-made connection reports,
 * since libpq itself gives no SQLSTATE then. */
#define VH__SQLSTATE_CONN_FAILURE "08006"

/* bool's type OID (pg_type.dat); libpq ships no catalog headers. */
#define VH__BOOLOID 16

/* libpq's messages end with a newline, which would spoil the one-line
 * reports the host prints. Returns a trimmed copy the caller frees, or NULL
 * when out of memory. */
static char *vh__trimmed(const char *s)
{
	char *copy = strdup(s ? s : "");
	size_t n;

	if (!copy)
		return NULL;
	n = strlen(copy);
	while (n > 0 && (copy[n - 1] == '\n' || copy[n - 1] == ' '))
		copy[--n] = '\0';
	return copy;
}

/* Records a failure of the connection itself (none, broken, or no result):
 * libpq's message and SQLSTATE 08006. Returns VH_EDB. */
int vh_exec__conn_fail(vh_ctx *ctx, const char *sql)
{
	char *msg = vh__trimmed(PQerrorMessage(ctx->conn));
	int error;

	error = vh_ctx__fail(ctx, VH_EDB, VH__SQLSTATE_CONN_FAILURE, sql, "%s",
			     msg && *msg ? msg : "connection to the server lost");
	free(msg);
	return error;
}

/* Records the server's error from `res`: the primary message (the rest,
 * DETAIL and HINT, is the host's to print from the connection if it wants),
 * its SQLSTATE and the statement. A result without fields (libpq's own
 * failures) falls back to the whole message, and to 08006 when the
 * connection has gone. Returns VH_EDB. */
int vh_exec__result_fail(vh_ctx *ctx, const PGresult *res, const char *sql)
{
	const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	char *msg = NULL;
	int error;

	if (!primary || !*primary) {
		msg = vh__trimmed(PQresultErrorMessage(res));
		if (msg && !*msg) {
			free(msg);
			msg = vh__trimmed(PQerrorMessage(ctx->conn));
		}
		primary = msg && *msg ? msg : "unknown error from the server";
	}
	if ((!state || !*state) && PQstatus(ctx->conn) != CONNECTION_OK)
		state = VH__SQLSTATE_CONN_FAILURE;
	error = vh_ctx__fail(ctx, VH_EDB, state, sql, "%s", primary);
	free(msg);
	return error;
}

/* A statement started a COPY, which PQexec cannot carry. The connection is
 * now in the middle of it and unusable for anything else, so the COPY is
 * ended here (aborted when it reads from us, drained when it writes to us)
 * before the error is reported; the transaction is then in error, which is
 * what a failed revision leaves anyway. */
int vh_exec__copy_fail(vh_ctx *ctx, PGresult *res, const char *sql)
{
	ExecStatusType st = PQresultStatus(res);
	PGresult *r;
	char *data;

	PQclear(res);
	if (st == PGRES_COPY_OUT) {
		while (PQgetCopyData(ctx->conn, &data, 0) > 0)
			PQfreemem(data);
	} else {
		PQputCopyEnd(ctx->conn, "COPY is not supported by vh_exec()");
	}
	while ((r = PQgetResult(ctx->conn)) != NULL)
		PQclear(r);
	return vh_ctx__fail(ctx, VH_EDB, NULL, sql,
			    "COPY cannot run through vh_exec(); use vh_conn() "
			    "with libpq's PQputCopyData()/PQgetCopyData()");
}

/* The host's connection, borrowed. Offline there is none: the call is
 * remembered so the host can refuse to print a script that would be missing
 * whatever the revision meant to do with it. */
PGconn *vh_conn(vh_ctx *ctx)
{
	if (!ctx)
		return NULL;
	if (!ctx->conn) {
		vh_ctx__need_online(ctx, "vh_conn()");
		return NULL;
	}
	/* What the revision sends through libpq must come after the host's
	 * prelude. A failure is in the slot and vh_ctx_prelude_failed(); the
	 * transaction is then aborted, so whatever the revision runs fails
	 * and the host reports the prelude's error. */
	if (!ctx->failed && vh_ctx_pending(ctx))
		vh_batch__send(ctx, 1, NULL, -1, NULL, NULL, NULL, NULL);
	ctx->deferred = 0; /* from here the revision may send on its own */
	return ctx->conn;
}

/* ---------------------------------------------------------------------
 * Running
 * --------------------------------------------------------------------- */

/* Runs `sql` online and returns its result in *out (the caller PQclears
 * it) when the status is command-ok or tuples-ok; otherwise records the
 * error, clears the result, and returns VH_EDB with *out NULL. Counts the
 * statement on success. A pending host prelude goes in the same round
 * trip; *out may then be NULL when `sql` held no statement at all. */
static int vh__run(vh_ctx *ctx, const char *sql, PGresult **out)
{
	PGresult *res;
	ExecStatusType st;

	*out = NULL;
	if (ctx->failed) /* a deferred statement failed: the transaction is aborted */
		return VH_EDB;
	if (vh_ctx_pending(ctx)) {
		int error = vh_batch__send(ctx, 1, sql, -1, NULL, NULL, out, NULL);

		if (error == 0)
			ctx->statements++;
		return error;
	}
	if (PQstatus(ctx->conn) != CONNECTION_OK)
		return vh_exec__conn_fail(ctx, sql);
	res = PQexec(ctx->conn, sql);
	if (!res)
		return vh_exec__conn_fail(ctx, sql);
	st = PQresultStatus(res);
	switch (st) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
	case PGRES_EMPTY_QUERY: /* only comments: nothing to do, not wrong */
		ctx->statements++;
		*out = res;
		return 0;
	case PGRES_COPY_IN:
	case PGRES_COPY_OUT:
	case PGRES_COPY_BOTH:
		return vh_exec__copy_fail(ctx, res, sql);
	default: {
		int error = vh_exec__result_fail(ctx, res, sql);

		PQclear(res);
		return error;
	}
	}
}

/* Runs or records `sql`; see sdk.h. Whitespace-only text does nothing.
 * Returns 0, VH_EDB (server or connection error, in the slot), VH_ENOMEM
 * (offline, recording failed) or VH_EINVAL (NULL arguments). */
int vh_exec(vh_ctx *ctx, const char *sql)
{
	PGresult *res;
	int error;

	if (!ctx)
		return VH_EINVAL;
	if (!sql)
		return vh_ctx__fail(ctx, VH_EINVAL, NULL, NULL,
				    "vh_exec: NULL statement");
	if (!ctx->conn) {
		size_t before = ctx->script.len;

		if ((error = vh_ctx__record(ctx, sql)) < 0)
			return error;
		if (ctx->script.len != before)
			ctx->statements++;
		return 0;
	}
	if (ctx->deferred)
		return ctx->failed ? VH_EDB : vh_batch__defer(ctx, sql);
	if ((error = vh__run(ctx, sql, &res)) < 0)
		return error;
	PQclear(res);
	return 0;
}

/* Formats as vh_format does, then runs as vh_exec does. A bad format is
 * VH_EINVAL and nothing is sent or recorded. */
int vh_execf(vh_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	char *sql;
	int error;

	if (!ctx)
		return VH_EINVAL;
	va_start(ap, fmt);
	error = vh_format__v(ctx, "vh_execf", &sql, fmt, ap);
	va_end(ap);
	if (error < 0)
		return error;
	error = vh_exec(ctx, sql);
	free(sql);
	return error;
}

/* The body of vh_query_value and vh_query_int once the query text is
 * built: refuses offline, runs, and returns the first value of the first
 * row in *res_out and *out. On success the caller PQclears *res_out; *out
 * borrows from it and is NULL for SQL NULL. */
static int vh__query(vh_ctx *ctx, const char *fn, const char *sql,
		     PGresult **res_out, const char **out)
{
	PGresult *res;
	int error;

	*res_out = NULL;
	*out = NULL;
	if (!ctx->conn) {
		/* `fn` is a literal ("vh_query_value()"), kept as the reason. */
		vh_ctx__need_online(ctx, fn);
		return vh_ctx__fail(ctx, VH_EOFFLINE, NULL, sql,
				    "%s needs a live database and cannot be "
				    "rendered offline (--sql)", fn);
	}
	if ((error = vh__run(ctx, sql, &res)) < 0)
		return error;
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) < 1 ||
	    PQnfields(res) < 1) {
		PQclear(res);
		return vh_ctx__fail(ctx, VH_ENOTFOUND, NULL, sql,
				    "%s found no row", fn);
	}
	*res_out = res;
	if (!PQgetisnull(res, 0, 0))
		*out = PQgetvalue(res, 0, 0);
	return 0;
}

/* See sdk.h. *out is a new string the caller releases with vh_free(), or
 * NULL for SQL NULL and on every failure. */
int vh_query_value(vh_ctx *ctx, char **out, const char *fmt, ...)
{
	va_list ap;
	PGresult *res;
	const char *value;
	char *sql;
	int error;

	if (out)
		*out = NULL;
	if (!ctx)
		return VH_EINVAL;
	if (!out)
		return vh_ctx__fail(ctx, VH_EINVAL, NULL, NULL,
				    "vh_query_value: NULL output pointer");
	va_start(ap, fmt);
	error = vh_format__v(ctx, "vh_query_value", &sql, fmt, ap);
	va_end(ap);
	if (error < 0)
		return error;
	if ((error = vh__query(ctx, "vh_query_value()", sql, &res, &value)) < 0)
		goto done;
	if (value && !(*out = strdup(value)))
		error = vh_ctx__fail(ctx, VH_ENOMEM, NULL, sql,
				     "vh_query_value: out of memory");
	PQclear(res);
done:
	free(sql);
	return error;
}

/* See sdk.h. Takes an integer in the text form the server sends, and also
 * a boolean (t = 1, f = 0), since `SELECT EXISTS (...)` is the natural way
 * to ask a yes/no question. *out is left 0 on failure. */
int vh_query_int(vh_ctx *ctx, long long *out, const char *fmt, ...)
{
	va_list ap;
	PGresult *res;
	const char *value;
	char *sql, *end;
	int error;

	if (out)
		*out = 0;
	if (!ctx)
		return VH_EINVAL;
	if (!out)
		return vh_ctx__fail(ctx, VH_EINVAL, NULL, NULL,
				    "vh_query_int: NULL output pointer");
	va_start(ap, fmt);
	error = vh_format__v(ctx, "vh_query_int", &sql, fmt, ap);
	va_end(ap);
	if (error < 0)
		return error;
	if ((error = vh__query(ctx, "vh_query_int()", sql, &res, &value)) < 0)
		goto done;
	if (!value) {
		error = vh_ctx__fail(ctx, VH_EINVAL, NULL, sql,
				     "vh_query_int: the query returned NULL");
	} else if (PQftype(res, 0) == VH__BOOLOID) {
		*out = value[0] == 't';
	} else {
		long long v;

		errno = 0;
		v = strtoll(value, &end, 10);
		if (errno || end == value || *end)
			error = vh_ctx__fail(ctx, VH_EINVAL, NULL, sql,
					     "vh_query_int: '%s' is not an integer",
					     value);
		else
			*out = v;
	}
	PQclear(res);
done:
	free(sql);
	return error;
}
