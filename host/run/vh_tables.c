/* vh_tables.c - creating and reading the version and history tables. */
#include "vh_tables.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vh_db.h"
#include "vh_error.h"
#include "vh_json.h"
#include "vh_revision.h"
#include "vh_sdk_host.h"

/* vh_quote_* return SDK memory (vh_free); the struct keeps libc memory so
 * vh_tables_clear can free() every field alike. */
static char *dup_ident(const char *name)
{
	char *q = vh_quote_ident(name), *out = q ? strdup(q) : NULL;

	vh_free(q);
	return out;
}

/* FNV-1a over the qualified name: a stable 64-bit advisory-lock key per
 * version table, so two projects in one database do not block each other. */
static long long lock_key(const char *s)
{
	unsigned long long h = 1469598103934665603ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return (long long)(h & 0x7fffffffffffffffull);
}

int vh_tables_init(vh_tables *t, const vh_config *cfg)
{
	const char *vschema = cfg->version_table_schema ? cfg->version_table_schema : cfg->schema;
	char pkc[128];

	memset(t, 0, sizeof(*t));
	snprintf(pkc, sizeof(pkc), "%s_pkc", cfg->version_table);
	t->schema = dup_ident(cfg->schema);
	t->vschema = dup_ident(vschema);
	t->vt = vh_db_qualify(vschema, cfg->version_table);
	t->vt_bare = dup_ident(cfg->version_table);
	t->vt_pkc = dup_ident(pkc);
	t->ht = vh_db_qualify(vschema, cfg->history_table);
	if (asprintf(&t->vt_display, "%s.%s", vschema, cfg->version_table) < 0)
		t->vt_display = NULL;
	if (asprintf(&t->ht_display, "%s.%s", vschema, cfg->history_table) < 0)
		t->ht_display = NULL;
	if (!t->schema || !t->vschema || !t->vt || !t->vt_bare || !t->vt_pkc || !t->ht ||
	    !t->vt_display || !t->ht_display) {
		vh_tables_clear(t);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	t->lock_key = lock_key(t->vt_display);
	return 0;
}

void vh_tables_clear(vh_tables *t)
{
	if (!t)
		return;
	free(t->schema);
	free(t->vschema);
	free(t->vt);
	free(t->vt_bare);
	free(t->vt_pkc);
	free(t->ht);
	free(t->vt_display);
	free(t->ht_display);
	free(t->tag);
	free(t->x_args);
	memset(t, 0, sizeof(*t));
}

char *vh_tables_version_ddl(const vh_tables *t)
{
	char *sql;

	if (asprintf(&sql,
		     "CREATE TABLE %s (\n"
		     "    version_num VARCHAR(32) NOT NULL, \n"
		     "    CONSTRAINT %s PRIMARY KEY (version_num)\n"
		     ")",
		     t->vt, t->vt_pkc) < 0)
		return NULL;
	return sql;
}

static int check_shape(PGconn *conn, const vh_tables *t);

/* The history table's DDL, idempotent (see vh_tables.h). */
char *vh_tables_history_ddl(const vh_tables *t)
{
	char *sql;

	if (asprintf(&sql,
		     "CREATE TABLE IF NOT EXISTS %s (\n"
		     "    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
		     "    revision varchar(32) NOT NULL,\n"
		     "    down_revision text,\n"
		     "    direction text NOT NULL CHECK (direction IN ('upgrade', 'downgrade', 'stamp', 'repair')),\n"
		     "    outcome text NOT NULL CHECK (outcome IN ('applied', 'reverted', 'failed', 'in_progress', 'stamped', 'repaired')),\n"
		     "    message text,\n"
		     "    started_at timestamptz NOT NULL DEFAULT clock_timestamp(),\n"
		     "    duration_ms double precision,\n"
		     "    db_user text NOT NULL DEFAULT current_user,\n"
		     "    client_addr text DEFAULT inet_client_addr()::text,\n"
		     "    client_host text,\n"
		     "    plugin_file text,\n"
		     "    plugin_sha256 text,\n"
		     "    error text,\n"
		     "    sqlstate text,\n"
		     "    statement text,\n"
		     "    attention boolean NOT NULL DEFAULT false,\n"
		     "    vhost_version text);\n"
		     /* Added by later versions: an older table gets them here. */
		     "ALTER TABLE %s ADD COLUMN IF NOT EXISTS os_user text, "
		     "ADD COLUMN IF NOT EXISTS tag text, ADD COLUMN IF NOT EXISTS x_args jsonb;\n",
		     t->ht, t->ht) < 0)
		return NULL;
	return sql;
}

int vh_tables_ensure(PGconn *conn, const vh_tables *t)
{
	const char *params[1] = {t->vt};
	PGresult *res;
	char *sql = NULL, *hist;
	int rc, exists;

	/* A version table that is not ours is refused before anything is
	 * created next to it: a run that fails must leave the database as it
	 * found it (tests/sh/test_badinput.sh). */
	rc = vh_db_query(&res, conn, "looking for the version table",
			 "SELECT to_regclass($1) IS NOT NULL", 1, params);
	if (rc < 0)
		return rc;
	exists = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (exists && (rc = check_shape(conn, t)) < 0)
		return rc;
	if (!(hist = vh_tables_history_ddl(t)) ||
	    asprintf(&sql,
		     "CREATE SCHEMA IF NOT EXISTS %s;\n"
		     "CREATE SCHEMA IF NOT EXISTS %s;\n"
		     "CREATE TABLE IF NOT EXISTS %s (\n"
		     "    version_num VARCHAR(32) NOT NULL,\n"
		     "    CONSTRAINT %s PRIMARY KEY (version_num));\n%s",
		     t->schema, t->vschema, t->vt, t->vt_pkc, hist) < 0) {
		free(hist);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	free(hist);
	rc = vh_db_exec(conn, "creating the version and history tables", sql);
	free(sql);
	return rc;
}

int vh_tables_set_run(vh_tables *t, const char *tag, const char *const *kv, size_t n)
{
	char *json = NULL;
	size_t len = 0, i, j;
	FILE *out;

	free(t->tag);
	free(t->x_args);
	t->tag = t->x_args = NULL;
	if (tag && !(t->tag = strdup(tag)))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	if (!n)
		return 0;
	if (!(out = open_memstream(&json, &len)))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	fputc('{', out);
	for (i = 0; i < n; i++) {
		const char *eq = strchr(kv[i], '=');
		char *key;
		int later = 0;

		if (!eq) {
			fclose(out);
			free(json);
			return vh_error_set(VH_ERR_USAGE, "-x '%s': expected KEY=VALUE", kv[i]);
		}
		/* As a dict: the last -x of a key is the one revisions read. */
		for (j = i + 1; j < n && !later; j++)
			later = strncmp(kv[j], kv[i], (size_t)(eq - kv[i]) + 1) == 0;
		if (later || !(key = strndup(kv[i], (size_t)(eq - kv[i]))))
			continue;
		if (ftell(out) > 1)
			fputs(", ", out);
		vh_json_str(out, key);
		fputs(": ", out);
		vh_json_str(out, eq + 1);
		free(key);
	}
	fputc('}', out);
	if (fclose(out) != 0) {
		free(json);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	t->x_args = json;
	return 0;
}

void vh_strv_free(char **v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

/* Checks the table has a text-like version_num column: a table of that name
 * made by something else must not be taken for ours. */
static int check_shape(PGconn *conn, const vh_tables *t)
{
	const char *params[1] = {t->vt};
	PGresult *res;
	int rc, i, ok = 0;
	char cols[512] = "";

	rc = vh_db_query(&res, conn, "reading the version table's columns",
			 "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
			 "WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
			 1, params);
	if (rc < 0)
		return rc;
	for (i = 0; i < PQntuples(res); i++) {
		const char *name = PQgetvalue(res, i, 0), *type = PQgetvalue(res, i, 1);

		if (strcmp(name, "version_num") == 0 &&
		    (strncmp(type, "character varying", 17) == 0 || strcmp(type, "text") == 0))
			ok = 1;
		snprintf(cols + strlen(cols), sizeof(cols) - strlen(cols), "%s%s %s", i ? ", " : "",
			 name, type);
	}
	PQclear(res);
	if (!ok)
		return vh_error_set(VH_ERR_GENERIC,
				    "version table %s has an unexpected shape (columns: %s); expected "
				    "version_num VARCHAR(32) as Alembic creates it. Point version_table at "
				    "another name, or fix the table",
				    t->vt_display, *cols ? cols : "none");
	return 0;
}

int vh_tables_read_versions(PGconn *conn, const vh_tables *t, char ***ids, size_t *n)
{
	const char *params[1] = {t->vt};
	PGresult *res;
	char *sql;
	int rc, i;

	*ids = NULL;
	*n = 0;
	rc = vh_db_query(&res, conn, "looking for the version table",
			 "SELECT to_regclass($1) IS NOT NULL", 1, params);
	if (rc < 0)
		return rc;
	i = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (!i) {
		*ids = calloc(1, sizeof(char *));
		return *ids ? 0 : vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	if ((rc = check_shape(conn, t)) < 0)
		return rc;
	if (asprintf(&sql, "SELECT version_num FROM %s ORDER BY version_num", t->vt) < 0)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	rc = vh_db_query(&res, conn, "reading the version table", sql, 0, NULL);
	free(sql);
	if (rc < 0)
		return rc;
	*ids = calloc((size_t)PQntuples(res) + 1, sizeof(char *));
	for (i = 0; *ids && i < PQntuples(res); i++)
		(*ids)[i] = strdup(PQgetvalue(res, i, 0));
	*n = (size_t)PQntuples(res);
	PQclear(res);
	if (!*ids)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	return 0;
}

/* Appends a literal or NULL to `buf`; returns 0 or -1 on out of memory. */
static int lit(char **buf, const char *value, const char *sep)
{
	char *q = value ? vh_quote_literal(value) : NULL, *next;

	if (value && !q)
		return -1;
	if (asprintf(&next, "%s%s%s", *buf, q ? q : "NULL", sep) < 0)
		next = NULL;
	vh_free(q);
	free(*buf);
	*buf = next;
	return next ? 0 : -1;
}

/* The history table's columns, in the order every row's values follow. */
#define VH__HISTORY_COLUMNS                                                                \
	"revision, down_revision, direction, outcome, message, plugin_file, plugin_sha256, " \
	"error, sqlstate, statement, duration_ms, attention, client_host, vhost_version, os_user, " \
	"tag, x_args"

/* The operating-system user running vhost, recorded next to the database
 * role (db_user): with a shared role such as "deploy", the person or
 * service account that ran the command. NULL when unknown. */
static const char *os_user(void)
{
	struct passwd *pw = getpwuid(geteuid());
	const char *env = getenv("USER");

	return pw && pw->pw_name ? pw->pw_name : env && *env ? env : NULL;
}

/* `head` (which opens a parenthesis) followed by the row's values and ")". */
static char *history_values_sql(const char *head, const vh_tables *t, const vh_history_row *r)
{
	char host[256] = "", dur[160] = "NULL", *buf;

	if (gethostname(host, sizeof(host) - 1) != 0)
		host[0] = '\0';
	if (r->duration_ms >= 0)
		snprintf(dur, sizeof(dur),
			 r->server_ms ? "(%.3f + 1000 * extract(epoch FROM clock_timestamp() - "
					"statement_timestamp()))::float8"
				      : "%.3f",
			 r->duration_ms);
	if (!(buf = strdup(head)))
		return NULL;
	if (lit(&buf, r->revision, ", ") || lit(&buf, r->down_revision, ", ") ||
	    lit(&buf, r->direction, ", ") || lit(&buf, r->outcome, ", ") ||
	    lit(&buf, r->message, ", ") || lit(&buf, r->plugin_file, ", ") ||
	    lit(&buf, r->plugin_sha256, ", ") || lit(&buf, r->error, ", ") ||
	    lit(&buf, r->sqlstate, ", ") || lit(&buf, r->statement, ", "))
		return NULL;
	{
		char *next;

		if (asprintf(&next, "%s%s, %s, ", buf, dur, r->attention ? "true" : "false") < 0)
			next = NULL;
		free(buf);
		buf = next;
	}
	if (!buf || lit(&buf, *host ? host : NULL, ", ") || lit(&buf, VH_SDK_VERSION, ", ") ||
	    lit(&buf, os_user(), ", ") || lit(&buf, t->tag, ", ") || lit(&buf, t->x_args, ")"))
		return NULL;
	return buf;
}

void vh_history_row_done(vh_history_row *row, const struct vh_revision *rev, int up,
			 const char *sha, double ms)
{
	memset(row, 0, sizeof(*row));
	row->revision = rev->id;
	row->down_revision = rev->down_revision;
	row->direction = up ? "upgrade" : "downgrade";
	row->outcome = up ? "applied" : "reverted";
	row->message = rev->message;
	row->plugin_file = rev->path;
	row->plugin_sha256 = sha;
	row->duration_ms = ms;
}

char *vh_history_insert_sql(const vh_tables *t, const vh_history_row *r)
{
	char *head, *sql;

	if (asprintf(&head, "INSERT INTO %s (" VH__HISTORY_COLUMNS ") VALUES (", t->ht) < 0)
		return NULL;
	sql = history_values_sql(head, t, r);
	free(head);
	return sql;
}

char *vh_history_prepare_sql(const vh_tables *t, const char *name)
{
	char *sql;

	if (asprintf(&sql,
		     "PREPARE %s (varchar, text, text, text, text, text, text, text, text, text, "
		     "double precision, boolean, text, text, text, text, jsonb) AS INSERT INTO %s ("
		     VH__HISTORY_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
		     "$12, $13, $14, $15, $16, $17)",
		     name, t->ht) < 0)
		return NULL;
	return sql;
}

char *vh_history_execute_sql(const vh_tables *t, const char *name, const vh_history_row *r)
{
	char *head, *sql;

	if (asprintf(&head, "EXECUTE %s(", name) < 0)
		return NULL;
	sql = history_values_sql(head, t, r);
	free(head);
	return sql;
}

char *vh_history_step_prepare_sql(const vh_tables *t, const char *name)
{
	char *sql;

	if (asprintf(&sql,
		     "PREPARE %s (varchar, varchar, varchar, text, text, text, text, text, text, "
		     "text, text, text, double precision, boolean, text, text, text, text, jsonb) AS "
		     "WITH vh_row AS (UPDATE %s SET version_num = $1 WHERE %s.version_num = $2 "
		     "RETURNING 1), vh_hist AS (INSERT INTO %s (" VH__HISTORY_COLUMNS ") VALUES ($3, "
		     "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)) "
		     "SELECT 1 / (count(*) = 1)::int FROM vh_row",
		     name, t->vt, t->vt, t->ht) < 0)
		return NULL;
	return sql;
}

char *vh_history_step_execute_sql(const vh_tables *t, const char *name, const char *to,
				  const char *from, const vh_history_row *row)
{
	char *head, *sql;

	if (asprintf(&head, "EXECUTE %s(%s, %s, ", name, to, from) < 0)
		return NULL;
	sql = history_values_sql(head, t, row);
	free(head);
	return sql;
}
