/* vh_config.h - vhost's settings: defaults, the ini file, the environment
 * and the command line, in rising order of precedence.
 *
 * The schema of the [vhost] section is written once, as the X-macro list
 * VH_CONFIG_KEYS, and expanded into the struct, the defaults and the ini
 * handler. The [database] section takes libpq connection keywords, one per
 * line (host, port, dbname, user, sslmode, sslrootcert, ...), plus `dsn` for a
 * whole conninfo string or URI: long parameters each get their own line, so
 * they fit Debian's 200-byte INI_MAX_LINE. */
#ifndef VH_CONFIG_H
#define VH_CONFIG_H

#include <stddef.h>

#include "vh_conninfo.h"

/* X(name, type, default) for the [vhost] section.
 * type is STR (char *), BOOL (int 0/1), INT (int), MS (milliseconds: "5s",
 * "250ms", "2min" or a bare number of ms), PATH (char *, resolved against
 * the ini file's directory), POOLER (int, one of the VH_POOLER_* values
 * below, from "auto", "none" or "transaction"). A NULL STR/PATH default
 * means unset. */
#define VH_CONFIG_KEYS(X)                                                      \
	X(plugin_dir, PATH, "plugins")                                         \
	X(source_dir, PATH, NULL)                                              \
	X(schema, STR, "vibesia_schema")                                       \
	X(version_table, STR, "alembic_version")                               \
	X(version_table_schema, STR, NULL)                                     \
	X(history_table, STR, "vhost_history")                                 \
	X(transaction_per_revision, BOOL, "true")                              \
	X(lock_timeout, MS, "5s")                                              \
	X(lock_retries, INT, "3")                                              \
	X(statement_timeout, MS, "0")                                          \
	X(migration_lock_wait, MS, "300s")                                     \
	X(insecure_plugins, BOOL, "false")                                     \
	X(model, PATH, NULL)                                                   \
	X(confirm, BOOL, "false")                                              \
	X(backup_command, STR, NULL)                                           \
	X(sample_data, PATH, NULL)                                             \
	X(sample_data_after, STR, NULL)                                        \
	X(pooler, POOLER, "auto")                                              \
	X(wait_for_replicas, MS, "0")                                          \
	X(reconnect_timeout, MS, "0")                                          \
	X(lock_lease, MS, "60s")                                               \
	X(lint, STR, "warn")                                                   \
	X(lint_large_rows, INT, "100000")                                      \
	X(lint_large_mb, INT, "10")

#define VH__CFG_FIELD_STR(n) char *n;
#define VH__CFG_FIELD_PATH(n) char *n;
#define VH__CFG_FIELD_BOOL(n) int n;
#define VH__CFG_FIELD_INT(n) int n;
#define VH__CFG_FIELD_MS(n) int n;
#define VH__CFG_FIELD_POOLER(n) int n;
#define VH__CFG_FIELD(name, type, def) VH__CFG_FIELD_##type(name)

/* `pooler`: what sits between vhost and PostgreSQL (docs/topologies.md).
 * AUTO detects it at the start of each command that takes the lock. */
enum { VH_POOLER_AUTO, VH_POOLER_NONE, VH_POOLER_TRANSACTION };

typedef struct vh_config {
	char *path;     /* the ini file read, or NULL when none */
	char *dir;      /* its directory (absolute), or the working directory */
	char *env_name; /* the [env.NAME] applied (-e, $VHOST_ENV), or NULL */

	vh_conninfo conn; /* [database], or the level that replaced it */
	char *conn_source; /* where conn came from, for -v: "--dsn",
			    * "VHOST_DATABASE_URL", "[env.NAME] in FILE", "[database] in
			    * FILE", or NULL for libpq's defaults alone */

	VH_CONFIG_KEYS(VH__CFG_FIELD)
} vh_config;

/* What the command line brings. NULL fields are unset. vh_config_load reads
 * VHOST_CONFIG, VHOST_ENV and VHOST_DATABASE_URL itself (empty = unset); a
 * field set here wins over its variable. */
typedef struct vh_config_overrides {
	const char *config_path; /* -c FILE */
	const char *env;         /* -e NAME: apply [env.NAME] ("" = unset) */
	const char *dsn;         /* --dsn CONNINFO */
	const char *plugin_dir;  /* --plugin-dir DIR (relative to the cwd) */
	const char *schema;      /* --schema NAME */
} vh_config_overrides;

/* Loads the settings. The file is -c, else $VHOST_CONFIG, else ./vhost.ini
 * if it exists, else none (defaults only). A file named explicitly must
 * exist. Relative PATH values in the file, and relative defaults, resolve
 * against the file's directory (the cwd when there is no file);
 * version_table_schema defaults to schema.
 *
 * Layers, lowest first: defaults; [vhost] and [database]; [env.NAME] when
 * NAME is selected (-e, else $VHOST_ENV); $VHOST_DATABASE_URL; then --dsn,
 * --plugin-dir (relative to the cwd) and --schema. The connection setting is
 * taken whole from the highest level that has one (--dsn, else
 * $VHOST_DATABASE_URL, else [env.NAME]'s dsn or keywords, else [database]):
 * a lower level's keywords never leak into it; libpq's own defaults (PG*
 * variables) fill what it leaves out. cfg->conn_source says which level. An empty value unsets a
 * setting, so an empty [database] leaves libpq's defaults alone.
 *
 * Errors (VH_ERR_USAGE, message in vh_error_last()) name the file and line:
 * "conf/vhost.ini:12: unknown key 'plugins_dir' in section [vhost]",
 * "conf/vhost.ini:7: line is 251 bytes (newline included), longer than the
 * 199 this build of inih reads; ...", an unknown section or environment,
 * a malformed line, a bad value, a missing file. On success *out is the
 * caller's, freed with vh_config_free(). */
int vh_config_load(vh_config **out, const vh_config_overrides *ov);

/* Sets [vhost] key `key` from text, as a line of the file would (for a
 * command's own flag, e.g. --wait-for-replicas). `where` names the source
 * in messages: "--wait-for-replicas: bad value 'soon' for wait_for_replicas
 * (expected a duration such as 5s, 250ms, 2min)". Returns 0 or
 * VH_ERR_USAGE. */
int vh_config_set(vh_config *cfg, const char *key, const char *value, const char *where);

/* Frees a config; NULL does nothing. */
void vh_config_free(vh_config *cfg);

/* The connection string/URI with any password replaced by "***", for
 * messages: the dsn (a URI keeps its form, postgresql://user:***@host/db;
 * a key=value string is rewritten as libpq parsed it, password=***), then
 * each individual keyword as key=value. "" when nothing is set (libpq's
 * defaults). Returns NULL only when out of memory; caller frees with free(). */
char *vh_config_describe_conn(const vh_config *cfg);

#endif
