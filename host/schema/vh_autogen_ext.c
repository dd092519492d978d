/* vh_autogen_ext.c - extensions while the model loads. An extension lives
 * once per database, so a model's CREATE EXTENSION of one the target schema
 * already holds cannot create a second copy in the scratch schema: the
 * model writes CREATE EXTENSION IF NOT EXISTS, which then does nothing but
 * send a notice. So, inside the model's transaction (rolled back like the
 * rest): the target's relocatable extensions are moved into the scratch
 * schema before the model runs (its types then resolve, and read
 * unqualified from there, as on the target), the model's "already exists"
 * notices are collected while it runs, and those it did not name are moved
 * back, so the scratch schema holds exactly the extensions the model
 * declares. */
#include "vh_autogen_ext.h"

#include <stdlib.h>
#include <string.h>

#include "vh_db.h"
#include "vh_error.h"

static const char q_movable[] =
	"SELECT quote_ident(e.extname) FROM pg_extension e"
	" JOIN pg_namespace n ON n.oid = e.extnamespace"
	" WHERE n.nspname = $1 AND e.extrelocatable ORDER BY e.extname";

/* Appends a copy of `s` to the NULL-terminated list `*v`. */
static int push(char ***v, size_t *n, const char *s)
{
	char **grown = realloc(*v, (*n + 2) * sizeof(char *));

	if (!grown)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	*v = grown;
	if (!(grown[*n] = strdup(s)))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	grown[++*n] = NULL;
	return 0;
}

/* ALTER EXTENSION name SET SCHEMA to, under a savepoint: a role that does
 * not own the extension leaves it where it is. 1 when moved, 0 when not,
 * < 0 when the transaction cannot go on. */
static int move(PGconn *conn, const char *name, const char *to)
{
	char *qto = PQescapeIdentifier(conn, to, strlen(to)), *sql = NULL;
	PGresult *res;
	int ok;

	if (!qto || asprintf(&sql, "SAVEPOINT vhost_ext; ALTER EXTENSION %s SET SCHEMA %s", name,
			     qto) < 0) {
		if (qto)
			PQfreemem(qto);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	PQfreemem(qto);
	res = PQexec(conn, sql);
	free(sql);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	return vh_db_exec(conn, "moving an extension aside",
			  ok ? "RELEASE SAVEPOINT vhost_ext"
			     : "ROLLBACK TO SAVEPOINT vhost_ext; RELEASE SAVEPOINT vhost_ext") < 0
		       ? VH_ERR_DB
		       : ok;
}

/* See vh_autogen_ext.h. */
int vh_autogen_ext_prepare(vh_autogen_ext *x, PGconn *conn, const char *schema,
			   const char *scratch)
{
	const char *params[1] = {schema};
	PGresult *res;
	int i, rc;

	memset(x, 0, sizeof(*x));
	/* A session may have hushed notices; the model's must come through. */
	if ((rc = vh_db_exec(conn, "reading the model's notices",
			     "SET LOCAL client_min_messages = notice")) < 0 ||
	    (rc = vh_db_query(&res, conn, "reading the schema's extensions", q_movable, 1, params)) < 0)
		return rc;
	for (i = 0; rc == 0 && i < PQntuples(res); i++) {
		const char *name = PQgetvalue(res, i, 0);

		if ((rc = move(conn, name, scratch)) == 1)
			rc = push(&x->moved, &x->nmoved, name);
	}
	PQclear(res);
	return rc < 0 ? rc : 0;
}

/* The notice receiver while the model runs: "extension "x" already exists,
 * skipping" (SQLSTATE 42710) names an extension the model declares, "schema
 * "x" already exists, skipping" (42P06) a schema. The name is the first
 * double-quoted word of the message. */
void vh_autogen_ext_notice(void *arg, const PGresult *res)
{
	vh_autogen_ext *x = arg;
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY), *q, *e;
	char *name;

	if (!state || (strcmp(state, "42710") != 0 && strcmp(state, "42P06") != 0) || !msg ||
	    !(q = strchr(msg, '"')) || !(e = strchr(q + 1, '"')))
		return;
	if (!(name = strndup(q + 1, (size_t)(e - q - 1))) ||
	    (state[3] == '1' ? push(&x->named, &x->nnamed, name)
			     : push(&x->schemas, &x->nschemas, name)) < 0)
		x->oom = 1;
	free(name);
}

/* 1 when the quoted identifier `qname` is the plain `name`, or its quoted
 * form is. */
static int same_name(PGconn *conn, const char *qname, const char *name)
{
	char *q = PQescapeIdentifier(conn, name, strlen(name));
	int same = strcmp(qname, name) == 0 || (q && strcmp(qname, q) == 0);

	if (q)
		PQfreemem(q);
	return same;
}

/* See vh_autogen_ext.h. */
int vh_autogen_ext_settle(vh_autogen_ext *x, PGconn *conn, const char *schema)
{
	size_t i, j;
	int rc = 0;

	if (x->oom)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	for (i = 0; rc == 0 && i < x->nmoved; i++) {
		for (j = 0; j < x->nnamed && !same_name(conn, x->moved[i], x->named[j]); j++)
			;
		if (j == x->nnamed && (rc = move(conn, x->moved[i], schema)) > 0)
			rc = 0;
	}
	return rc < 0 ? rc : 0;
}

/* See vh_autogen_ext.h. */
void vh_autogen_ext_restore(vh_autogen_ext *x, PGconn *conn, const char *schema)
{
	char *q = PQescapeIdentifier(conn, schema, strlen(schema)), *sql;
	size_t i;

	for (i = 0; q && i < x->nmoved; i++)
		if (asprintf(&sql, "ALTER EXTENSION %s SET SCHEMA %s", x->moved[i], q) >= 0) {
			PQclear(PQexec(conn, sql));
			free(sql);
		}
	if (q)
		PQfreemem(q);
}

/* See vh_autogen_ext.h. */
void vh_autogen_ext_clear(vh_autogen_ext *x)
{
	size_t i;

	for (i = 0; i < x->nmoved; i++)
		free(x->moved[i]);
	for (i = 0; i < x->nnamed; i++)
		free(x->named[i]);
	for (i = 0; i < x->nschemas; i++)
		free(x->schemas[i]);
	free(x->moved);
	free(x->named);
	free(x->schemas);
	memset(x, 0, sizeof(*x));
}
