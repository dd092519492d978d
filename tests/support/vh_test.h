/* vh_test.h - helpers shared by the CUnit suites: running the vhost binary,
 * making scratch databases and plugin directories, reading the catalog.
 * The server is whatever the PG* environment variables point at (scripts/test
 * starts a private one). */
#ifndef VH_TEST_H
#define VH_TEST_H

#include <stddef.h>
#include <libpq-fe.h>

/* The result of running a command: exit status (or 128+signal) and what it
 * printed. Free with vh_test_result_free. */
typedef struct vh_test_result {
	int status;
	char *out;
	char *err;
} vh_test_result;

/* Runs `VHOST_BIN` with argv (NULL-terminated, without argv[0]) and the
 * extra environment entries in `env` ("K=V", NULL-terminated, may be NULL).
 * Standard input is /dev/null. */
vh_test_result vh_test_vhost(const char *const *env, const char *const *argv);

/* Runs a shell command line with /bin/sh -c. */
vh_test_result vh_test_sh(const char *cmdline);
void vh_test_result_free(vh_test_result *r);

/* Creates (dropping first if it exists) a database and returns its name
 * in a static buffer; `tag` makes it unique per suite. */
const char *vh_test_createdb(const char *tag);

/* Connects to database `db` (PG* variables for the rest); aborts the test
 * program with a message if that fails. */
PGconn *vh_test_connect(const char *db);

/* Runs SQL on `conn`, returning the first value of the first row as a new
 * string (NULL for no row or SQL NULL); a failed query aborts the test with
 * PostgreSQL's message. */
char *vh_test_value(PGconn *conn, const char *sql);

/* Runs SQL expecting success (any number of statements); 0 on success, else
 * -1 with the server's message printed to stderr. */
int vh_test_exec(PGconn *conn, const char *sql);

/* A catalog snapshot of `schema` as text: tables, columns (type, nullability,
 * default), constraints (definition incl. ON DELETE actions), indexes.
 * Stable ordering, so two snapshots compare with strcmp. Caller frees. */
char *vh_test_snapshot(PGconn *conn, const char *schema);

/* Writes an ini file into a fresh temporary directory and returns its path
 * (static buffer). `body` is the file's text. */
const char *vh_test_write_ini(const char *body);

/* Makes a fresh temporary directory and copies (cp) the given .so files into
 * it, each path relative to VHOST_FIXTURE_DIR or absolute. Returns its path
 * (static buffer, overwritten by the next call). */
const char *vh_test_plugin_dir(const char *const *files);

/* Runs a CUnit registry built by `add_suites` with the basic runner and
 * returns the process exit status: 0 when every test passed. */
int vh_test_main(void (*add_suites)(void));

/* One suite from a table of named test functions, run as vh_test_main
 * does; for the unit tests that need no fixtures. */
typedef struct vh_test_case {
	const char *name;
	void (*fn)(void);
} vh_test_case;

int vh_test_run_cases(const char *suite, const vh_test_case *cases, size_t n);

#endif
