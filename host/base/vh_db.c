/* vh_db.c - connecting and running the host's own statements. */
#include "vh_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_error.h"
#include "vh_sdk_host.h"

static char vh__sqlstate[6];

const char *vh_db_oneline(const char *msg)
{
	static char buf[1024];
	size_t i = 0;

	for (; msg && *msg && i + 3 < sizeof(buf); msg++) {
		if (*msg == '\n') {
			if (msg[1] == '\0')
				break;
			buf[i++] = ';';
			buf[i++] = ' ';
			/* libpq indents its hint lines with a tab: drop it. */
			while (msg[1] == '\t' || msg[1] == ' ')
				msg++;
		} else if (*msg != '\r') {
			buf[i++] = *msg;
		}
	}
	while (i > 0 && (buf[i - 1] == ' ' || buf[i - 1] == ';'))
		i--;
	buf[i] = '\0';
	return buf;
}

/* Shows warnings and worse as libpq would; drops NOTICE, INFO, LOG and
 * DEBUG, as client_min_messages = warning did. */
static void vh__notice(void *user, const PGresult *res)
{
	const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);

	(void)user;
	if (sev && (strcmp(sev, "NOTICE") == 0 || strcmp(sev, "INFO") == 0 ||
		    strcmp(sev, "LOG") == 0 || strncmp(sev, "DEBUG", 5) == 0))
		return;
	fprintf(stderr, "%s", PQresultErrorMessage(res));
}

int vh_db_connect(PGconn **out, const vh_config *cfg)
{
	/* dsn first as an expandable dbname, then the individual keywords, so
	 * those win over the same keyword inside the dsn. */
	const char *keys[64], *vals[64];
	size_t n = 0, i;
	PGconn *conn;
	char *target;

	*out = NULL;
	if (cfg->conn.dsn && *cfg->conn.dsn) {
		keys[n] = "dbname";
		vals[n++] = cfg->conn.dsn;
	}
	for (i = 0; i < cfg->conn.n && n < 60; i++) {
		keys[n] = cfg->conn.keys[i];
		vals[n++] = cfg->conn.vals[i];
	}
	keys[n] = "fallback_application_name";
	vals[n++] = "vhost";
	keys[n] = NULL;
	vals[n] = NULL;

	conn = PQconnectdbParams(keys, vals, 1);
	if (!conn)
		return vh_error_set(VH_ERR_NOMEM, "out of memory connecting to the database");
	if (PQstatus(conn) != CONNECTION_OK) {
		target = vh_config_describe_conn(cfg);
		vh_error_set(VH_ERR_GENERIC, "cannot connect to %s: %s",
			     target && *target ? target : "the database (libpq defaults)",
			     vh_db_oneline(PQerrorMessage(conn)));
		free(target);
		PQfinish(conn);
		return VH_ERR_GENERIC;
	}
	/* Our own notices (IF NOT EXISTS) are noise for the user. Dropped
	 * here rather than with a session SET client_min_messages, which a
	 * transaction pooler would leave on another client's server process
	 * and not carry to our next transaction. */
	PQsetNoticeReceiver(conn, vh__notice, NULL);
	*out = conn;
	return 0;
}

/* An error libpq made itself (no SQLSTATE) while the connection still reads
 * as OK: libpq can report "server closed the connection unexpectedly" from
 * a failed send and leave PQstatus at CONNECTION_OK until the next read.
 * An empty query settles it (it runs even in an aborted transaction), so
 * that callers deciding whether to reconnect (reconnect_timeout) see the
 * truth. Not in pipeline mode, where only the pipeline may send. */
static void confirm_lost(PGconn *conn)
{
	if (PQstatus(conn) != CONNECTION_OK || PQpipelineStatus(conn) != PQ_PIPELINE_OFF ||
	    PQtransactionStatus(conn) == PQTRANS_ACTIVE)
		return;
	PQclear(PQexec(conn, ""));
}

int vh_db_error(PGconn *conn, const PGresult *res, const char *what)
{
	const char *msg = NULL, *state = NULL;
	char own[1024];

	if (res) {
		msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	}
	if (!msg || !*msg) {
		/* Copied: the probe below rewrites the connection's message. */
		snprintf(own, sizeof(own), "%s", PQerrorMessage(conn));
		msg = own;
	}
	if (!state)
		confirm_lost(conn);
	if (!state && PQstatus(conn) != CONNECTION_OK)
		state = "08006";
	snprintf(vh__sqlstate, sizeof(vh__sqlstate), "%s", state ? state : "");
	if (PQstatus(conn) != CONNECTION_OK)
		return vh_error_set(VH_ERR_DB, "%s: lost the connection to the server: %s", what,
				    vh_db_oneline(msg));
	if (*vh__sqlstate)
		return vh_error_set(VH_ERR_DB, "%s: %s (SQLSTATE %s)", what, vh_db_oneline(msg),
				    vh__sqlstate);
	return vh_error_set(VH_ERR_DB, "%s: %s", what, vh_db_oneline(msg));
}

void vh_db_clear_sqlstate(void)
{
	vh__sqlstate[0] = '\0';
}

const char *vh_db_last_sqlstate(void)
{
	return vh__sqlstate;
}

int vh_db_query(PGresult **out, PGconn *conn, const char *what, const char *sql,
		int nparams, const char *const *params)
{
	PGresult *res;
	ExecStatusType st;

	*out = NULL;
	vh__sqlstate[0] = '\0';
	res = nparams ? PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0)
		      : PQexec(conn, sql);
	st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		int rc = vh_db_error(conn, res, what);

		PQclear(res);
		return rc;
	}
	*out = res;
	return 0;
}

int vh_db_exec(PGconn *conn, const char *what, const char *sql)
{
	PGresult *res;
	int rc = vh_db_query(&res, conn, what, sql, 0, NULL);

	PQclear(res);
	return rc;
}

char *vh_db_qualify(const char *schema, const char *table)
{
	char *s = vh_quote_ident(schema), *t = vh_quote_ident(table), *out = NULL;

	if (s && t && asprintf(&out, "%s.%s", s, t) < 0)
		out = NULL;
	vh_free(s);
	vh_free(t);
	return out;
}

char *vh_db_describe(PGconn *conn)
{
	const char *pass = PQpass(conn), *host = PQhost(conn);
	char *out;

	/* A socket directory is a path: keep it readable rather than escaped. */
	if (asprintf(&out, "postgresql://%s%s@%s:%s/%s", PQuser(conn),
		     pass && *pass ? ":***" : "", host ? host : "", PQport(conn), PQdb(conn)) < 0)
		return NULL;
	return out;
}

void vh_db_error_detail(PGconn *conn, const char *msg, char *buf, size_t len)
{
	const char *full = conn ? PQerrorMessage(conn) : "", *p, *nl;
	char primary[512];
	size_t n, used;

	buf[0] = '\0';
	if (strncmp(full, "ERROR:", 6) != 0)
		return;
	for (p = full + 6; *p == ' '; p++)
		;
	n = strcspn(p, "\n");
	snprintf(primary, sizeof(primary), "%.*s", (int)(n < 511 ? n : 511), p);
	if (!*primary || !msg || !strstr(msg, primary))
		return;
	for (p = strchr(full, '\n'); p && *p; p = nl) {
		p++;
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (strncmp(p, "DETAIL:", 7) != 0 && strncmp(p, "HINT:", 5) != 0)
			continue;
		used = strlen(buf);
		snprintf(buf + used, len - used, "%s%.*s", used ? "; " : " ", (int)n, p);
	}
}
