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
static int vh__conn_fail(vh_ctx *ctx, const char *sql)
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
static int vh__result_fail(vh_ctx *ctx, const PGresult *res, const char *sql)
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
static int vh__copy_fail(vh_ctx *ctx, PGresult *res, const char *sql)
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

/* ---------------------------------------------------------------------
 * The host's prelude (see vh_ctx_set_prelude in vh_sdk_host.h)
 * --------------------------------------------------------------------- */

/* Records `res` (a failed prelude statement, or NULL for a lost
 * connection) as the prelude's failure. Returns VH_EDB. */
static int vh__prelude_fail(vh_ctx *ctx, const PGresult *res, const char *prelude)
{
	ctx->prelude_failed = 1;
	return res ? vh__result_fail(ctx, res, prelude) : vh__conn_fail(ctx, prelude);
}

static int vh__run_prelude(vh_ctx *ctx, const char *sql, PGresult **out);

/* The first result of "prelude; sql" was an error. Either the server
 * rejected the whole text before running any of it (a syntax or encoding
 * error, most likely in the revision's part), or the prelude's first
 * statement failed. Sending the prelude alone tells which: it succeeds
 * only in the first case, and then `first` is the revision's error. In the
 * second the transaction is aborted and the resend fails with 25P02, so
 * `first` is the prelude's. Takes `first` and `prelude`. Returns VH_EDB. */
static int vh__prelude_rejected(vh_ctx *ctx, PGresult *first, char *prelude,
				const char *sql)
{
	char *copy = strdup(prelude); /* the resend frees `prelude` */
	PGresult *none;
	int error;

	ctx->prelude = prelude;
	if (vh__run_prelude(ctx, NULL, &none) == 0)
		error = vh__result_fail(ctx, first, sql);
	else if (strcmp(ctx->err_sqlstate, "25P02") == 0)
		error = vh__prelude_fail(ctx, first, copy);
	else
		error = VH_EDB; /* the resend's own failure is in the slot */
	free(copy);
	PQclear(first);
	return error;
}

/* Sends the pending prelude followed by `sql` (NULL: the prelude alone) as
 * one simple query. The first prelude_n results are the prelude's and go
 * through the host's check; the last of the others is the revision's,
 * returned in *out as vh__run does (NULL when `sql` held no statement).
 * The prelude is consumed whatever happens. Returns 0 or VH_EDB. */
static int vh__run_prelude(vh_ctx *ctx, const char *sql, PGresult **out)
{
	char *prelude = ctx->prelude, *text = prelude;
	PGresult *res, *last = NULL, *first_fail = NULL;
	size_t i, npre = ctx->prelude_n;
	int error = 0;

	*out = NULL;
	ctx->prelude = NULL;
	if (sql && asprintf(&text, "%s;\n%s", prelude, sql) < 0) {
		free(prelude);
		return vh_ctx__fail(ctx, VH_ENOMEM, NULL, sql, "out of memory");
	}
	if (PQstatus(ctx->conn) != CONNECTION_OK || !PQsendQuery(ctx->conn, text))
		error = vh__prelude_fail(ctx, NULL, prelude);
	for (i = 0; error == 0 && (res = PQgetResult(ctx->conn)) != NULL; i++) {
		ExecStatusType st = PQresultStatus(res);
		int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ||
			 st == PGRES_EMPTY_QUERY;

		if (i < npre && ok) {
			if (ctx->prelude_check &&
			    ctx->prelude_check(ctx->prelude_user, ctx, i, res) != 0) {
				ctx->prelude_failed = 1;
				error = VH_EDB;
			}
		} else if (i < npre && i == 0 && sql && PQstatus(ctx->conn) == CONNECTION_OK) {
			first_fail = res;
			res = NULL;
			error = VH_EDB;
		} else if (i < npre) {
			error = vh__prelude_fail(ctx, res, prelude);
		} else if (ok) {
			PQclear(last);
			last = res;
			res = NULL;
		} else if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) {
			error = vh__copy_fail(ctx, res, sql); /* drains the rest */
			res = NULL;
		} else {
			error = vh__result_fail(ctx, res, sql);
		}
		PQclear(res);
	}
	/* After an error the server runs nothing more; drain what is left. */
	while ((res = PQgetResult(ctx->conn)) != NULL)
		PQclear(res);
	if (text != prelude)
		free(text);
	if (first_fail)
		return vh__prelude_rejected(ctx, first_fail, prelude, sql);
	free(prelude);
	if (error == 0 && sql && PQstatus(ctx->conn) != CONNECTION_OK)
		error = vh__conn_fail(ctx, sql);
	if (error < 0) {
		PQclear(last);
		return error;
	}
	if (sql)
		ctx->statements++;
	*out = last;
	return 0;
}

/* Sends the pending prelude alone; see vh_sdk_host.h. Lives here rather
 * than in vh_ctx.c so that the context never calls back into running. */
int vh_ctx_flush_prelude(vh_ctx *ctx)
{
	PGresult *none;

	if (!ctx || !ctx->prelude)
		return 0;
	return vh__run_prelude(ctx, NULL, &none);
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
	if (ctx->prelude)
		vh_ctx_flush_prelude(ctx);
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
	if (ctx->prelude)
		return vh__run_prelude(ctx, sql, out);
	if (PQstatus(ctx->conn) != CONNECTION_OK)
		return vh__conn_fail(ctx, sql);
	res = PQexec(ctx->conn, sql);
	if (!res)
		return vh__conn_fail(ctx, sql);
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
		return vh__copy_fail(ctx, res, sql);
	default: {
		int error = vh__result_fail(ctx, res, sql);

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
