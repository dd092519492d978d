/* vh_tables.h - vhost's two tables: Alembic's version table (one row per
 * current head) and vhost's own history table (one row per revision run,
 * what operators read when something went wrong). Both are created when
 * missing and never dropped. */
#ifndef VH_TABLES_H
#define VH_TABLES_H

#include <stddef.h>
#include <libpq-fe.h>

#include "vh_config.h"

typedef struct vh_tables {
	char *schema;     /* target schema, quoted as needed */
	char *vschema;    /* version table's schema, quoted as needed */
	char *vt;         /* "schema".version_table */
	char *vt_bare;    /* version_table quoted, unqualified (for column refs) */
	char *vt_pkc;     /* <version_table>_pkc, quoted */
	char *ht;         /* "schema".history_table */
	char *vt_display; /* schema.table as configured, for messages */
	char *ht_display;
	long long lock_key; /* advisory lock key, derived from vt_display */
	/* What this run records in every history row it writes
	 * (vh_tables_set_run): --tag, and -x as a JSON object. NULL: none. */
	char *tag;
	char *x_args;
} vh_tables;

/* Sets the run's --tag (copied; NULL for none) and its -x KEY=VALUE
 * arguments (kv[0..n), recorded as a JSON object, a later key winning).
 * Returns 0, VH_ERR_NOMEM, or VH_ERR_USAGE for an argument without '='. */
int vh_tables_set_run(vh_tables *t, const char *tag, const char *const *kv, size_t n);

/* Fills *t from the configuration. Returns 0 or VH_ERR_NOMEM. Release with
 * vh_tables_clear. */
int vh_tables_init(vh_tables *t, const vh_config *cfg);
void vh_tables_clear(vh_tables *t);

/* CREATE SCHEMA (target and version schemas) and both tables if missing.
 * Run under the migration lock: concurrent CREATE ... IF NOT EXISTS can still
 * collide in PostgreSQL's catalogs. */
int vh_tables_ensure(PGconn *conn, const vh_tables *t);

/* The version table's DDL exactly as Alembic emits it for PostgreSQL (no
 * trailing semicolon); caller frees. */
char *vh_tables_version_ddl(const vh_tables *t);

/* The history table's CREATE TABLE IF NOT EXISTS, and the ALTER TABLE ...
 * ADD COLUMN IF NOT EXISTS of the columns added since, each statement ending
 * in ";\n"; caller frees. NULL on out of memory. */
char *vh_tables_history_ddl(const vh_tables *t);

/* Reads the version table's rows (ordered) into *ids (NULL-terminated,
 * caller frees each and the array). A missing table means no rows. A table
 * without a text-like version_num column is an error naming the table and
 * its columns. */
int vh_tables_read_versions(PGconn *conn, const vh_tables *t, char ***ids, size_t *n);

/* Frees a NULL-terminated string array; NULL does nothing. */
void vh_strv_free(char **v);

/* One history row. NULL strings are stored as NULL. */
typedef struct vh_history_row {
	const char *revision;
	const char *down_revision;
	const char *direction; /* upgrade, downgrade, stamp */
	const char *outcome;   /* applied, reverted, failed, in_progress, stamped */
	const char *message;
	const char *plugin_file;
	const char *plugin_sha256;
	const char *error;
	const char *sqlstate;
	const char *statement;
	double duration_ms;   /* < 0: NULL */
	int attention;        /* needs an operator (interrupted non-transactional run) */
	int server_ms;        /* add the server's time since the message arrived
			       * (the revision's statements ran in the same one) */
} vh_history_row;

/* Fills *row for a step that ran (or, offline, will run) `rev` up or down
 * to completion: applied or reverted, with the plugin's SHA-256 `sha` and
 * `ms` (< 0: NULL). The strings stay rev's and sha's. */
struct vh_revision;
void vh_history_row_done(vh_history_row *row, const struct vh_revision *rev, int up,
			 const char *sha, double ms);

/* An INSERT statement for `row` (no trailing semicolon), for sending in the
 * same round trip as the revision's COMMIT. Caller frees with free(). */
char *vh_history_insert_sql(const vh_tables *t, const vh_history_row *row);

/* The same row through a prepared statement: vh_history_prepare_sql gives
 * "PREPARE <name>(...) AS INSERT ..." to run once per session, and
 * vh_history_execute_sql "EXECUTE <name>(<the row's values>)". The server
 * then skips parsing and planning the insert (its defaults and CHECKs) for
 * every revision, which is most of what the history row costs it. `name`
 * is trusted text (an identifier the caller chose). New strings the caller
 * frees, or NULL when out of memory. */
char *vh_history_prepare_sql(const vh_tables *t, const char *name);
char *vh_history_execute_sql(const vh_tables *t, const char *name, const vh_history_row *row);

/* A linear step's whole bookkeeping as one prepared statement: the
 * version-table UPDATE from $2 to $1 and the history row ($3...), failing
 * with a division by zero (SQLSTATE 22012) unless the UPDATE touched
 * exactly one row, Alembic's online rule. vh_history_step_execute_sql
 * gives "EXECUTE <name>(to, from, <the row's values>)"; `to` and `from`
 * are quoted literals. Strings as above. */
char *vh_history_step_prepare_sql(const vh_tables *t, const char *name);
char *vh_history_step_execute_sql(const vh_tables *t, const char *name, const char *to,
				  const char *from, const vh_history_row *row);

#endif
