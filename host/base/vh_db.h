/* vh_db.h - the host's own SQL: connecting, running statements with the
 * server's message carried into the last-error slot, and quoting names that
 * come from configuration. */
#ifndef VH_DB_H
#define VH_DB_H

#include <libpq-fe.h>

#include "vh_config.h"

/* Connects with the configured dsn and libpq keywords (libpq's defaults for
 * whatever is unset). On failure returns VH_ERR_GENERIC with libpq's message
 * on one line, prefixed by the target with its password masked:
 * "cannot connect to postgresql://app:***@db/prod: connection refused ...".
 * *out is the caller's (PQfinish). */
int vh_db_connect(PGconn **out, const vh_config *cfg);

/* Runs `sql` (one or more statements). Returns 0, or VH_ERR_DB with
 * "<what>: <server message> (SQLSTATE xxxxx)" in the slot. `what` names the
 * operation for the message ("creating the version table"). */
int vh_db_exec(PGconn *conn, const char *what, const char *sql);

/* Runs a query with text parameters and returns its result in *out (the
 * caller's, PQclear) when it returned rows or completed. Errors as
 * vh_db_exec. */
int vh_db_query(PGresult **out, PGconn *conn, const char *what, const char *sql,
		int nparams, const char *const *params);

/* The SQLSTATE of the last vh_db_* failure ("" when none). */
const char *vh_db_last_sqlstate(void);

/* Forgets it: a process that runs several targets in turn (a fleet's
 * worker) starts each with none. */
void vh_db_clear_sqlstate(void);

/* Sets the last-error slot from a failed result or connection. */
int vh_db_error(PGconn *conn, const PGresult *res, const char *what);

/* The DETAIL and HINT lines of the connection's last server error, joined
 * into `buf` as " DETAIL:  ...; HINT:  ..." (empty when there are none, or
 * when that error is not the one whose primary message is `msg`: a revision
 * that ran more statements after its failure would have replaced it). */
void vh_db_error_detail(PGconn *conn, const char *msg, char *buf, size_t len);

/* The live connection as a URI, Alembic-style, with any password shown as
 * "***": postgresql://user:***@host:port/db. Caller frees with free(). */
char *vh_db_describe(PGconn *conn);

/* "schema"."table" quoted as needed; caller frees with free(). */
char *vh_db_qualify(const char *schema, const char *table);

/* A message on one line (newlines folded to "; ", trailing space cut), in a
 * static buffer. */
const char *vh_db_oneline(const char *msg);

#endif
