/* vh_test.c - helpers shared by the CUnit suites: running commands with
 * their output captured, scratch databases, catalog snapshots, temporary
 * config files and plugin directories. A test program is short-lived, so
 * setup failures end it at once with a message rather than being returned. */
#include "vh_test.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Ends the test program: a helper that cannot set up its fixture leaves
 * nothing meaningful to test. Exit status 2 tells it apart from failed
 * assertions (1). */
static void vh_test__die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

static void vh_test__die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("vh_test: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void *vh_test__xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		vh_test__die("out of memory");
	return p;
}

static char *vh_test__xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		vh_test__die("out of memory");
	return p;
}

/* ---------------------------------------------------------------------
 * Running commands
 * --------------------------------------------------------------------- */

/* A growable byte buffer for one output stream. */
typedef struct {
	char *ptr;
	size_t len, cap;
} vh_test__buf;

static void vh_test__buf_put(vh_test__buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (!(b->ptr = realloc(b->ptr, cap)))
			vh_test__die("out of memory");
		b->cap = cap;
	}
	memcpy(b->ptr + b->len, s, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

static char *vh_test__buf_take(vh_test__buf *b)
{
	return b->ptr ? b->ptr : vh_test__xstrdup("");
}

/* 1 when the environment entries `a` and `b` ("K=V") have the same key. */
static int vh_test__same_key(const char *a, const char *b)
{
	size_t ka = strcspn(a, "="), kb = strcspn(b, "=");

	return ka == kb && strncmp(a, b, ka) == 0;
}

/* The child's environment: ours, with each entry of `extra` replacing the
 * one with its key or added at the end. The array is the caller's to free;
 * the strings are borrowed. */
static char **vh_test__environ(const char *const *extra)
{
	size_t n = 0, m = 0, i, j, k = 0;
	char **env;

	while (environ[n])
		n++;
	while (extra && extra[m])
		m++;
	env = vh_test__xmalloc((n + m + 1) * sizeof(*env));
	for (i = 0; i < n; i++) {
		for (j = 0; j < m; j++)
			if (vh_test__same_key(environ[i], extra[j]))
				break;
		if (j == m)
			env[k++] = environ[i];
	}
	for (j = 0; j < m; j++)
		env[k++] = (char *)extra[j];
	env[k] = NULL;
	return env;
}

/* Forks and execs `path` with `argv` and `envp`, stdin from /dev/null,
 * stdout and stderr into pipes that are read together with poll() so that
 * a child filling one pipe while we wait on the other cannot deadlock.
 * Returns the exit status, or 128 + the signal that ended the child. A
 * failure to start is status 127 with the reason in `err`, as the shell
 * does; a failure here (pipes, fork) ends the test program. */
static vh_test_result vh_test__run(const char *path, char *const argv[],
				   char *const envp[])
{
	vh_test_result r = {0, NULL, NULL};
	vh_test__buf out = {0}, err = {0};
	int po[2], pe[2], st;
	pid_t pid;

	/* O_CLOEXEC so the pipes' other ends do not leak into the child
	 * beyond the two dup2()ed descriptors; dup2 clears the flag. */
	if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0)
		vh_test__die("pipe: %s", strerror(errno));
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0)
		vh_test__die("fork: %s", strerror(errno));
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(po[1], 1) < 0 ||
		    dup2(pe[1], 2) < 0)
			_exit(127);
		execve(path, argv, envp);
		dprintf(2, "vh_test: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);

	{
		struct pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
		vh_test__buf *bufs[2] = {&out, &err};
		int open_fds = 2, i;
		char chunk[65536];

		while (open_fds > 0) {
			if (poll(fds, 2, -1) < 0) {
				if (errno == EINTR)
					continue;
				vh_test__die("poll: %s", strerror(errno));
			}
			for (i = 0; i < 2; i++) {
				ssize_t n;

				if (fds[i].fd < 0 || !fds[i].revents)
					continue;
				n = read(fds[i].fd, chunk, sizeof(chunk));
				if (n < 0 && errno == EINTR)
					continue;
				if (n <= 0) {
					/* EOF (or an error, which ends the
					 * stream the same way). */
					close(fds[i].fd);
					fds[i].fd = -1;
					open_fds--;
					continue;
				}
				vh_test__buf_put(bufs[i], chunk, (size_t)n);
			}
		}
	}

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			vh_test__die("waitpid: %s", strerror(errno));
	r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r.out = vh_test__buf_take(&out);
	r.err = vh_test__buf_take(&err);
	return r;
}

/* Runs VHOST_BIN; see vh_test.h. */
vh_test_result vh_test_vhost(const char *const *env, const char *const *argv)
{
	size_t n = 0, i;
	char **args, **envp;
	vh_test_result r;

	while (argv && argv[n])
		n++;
	args = vh_test__xmalloc((n + 2) * sizeof(*args));
	args[0] = (char *)VHOST_BIN;
	for (i = 0; i < n; i++)
		args[i + 1] = (char *)argv[i];
	args[n + 1] = NULL;
	envp = vh_test__environ(env);
	r = vh_test__run(VHOST_BIN, args, envp);
	free(envp);
	free(args);
	return r;
}

/* Runs `cmdline` with /bin/sh -c in our own environment. */
vh_test_result vh_test_sh(const char *cmdline)
{
	char *args[] = {"sh", "-c", (char *)cmdline, NULL};

	return vh_test__run("/bin/sh", args, environ);
}

/* Frees what the result holds and leaves it empty; NULL does nothing. */
void vh_test_result_free(vh_test_result *r)
{
	if (!r)
		return;
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

/* ---------------------------------------------------------------------
 * The server
 * --------------------------------------------------------------------- */

/* Connects to `db` with the PG* variables supplying the rest. `db` is
 * passed as a plain name (expand_dbname off), so it cannot smuggle in other
 * connection settings. Ends the program on failure. */
PGconn *vh_test_connect(const char *db)
{
	const char *keys[] = {"dbname", "application_name", NULL};
	const char *vals[] = {db, "vhost-test", NULL};
	PGconn *conn = PQconnectdbParams(keys, vals, 0);

	if (!conn || PQstatus(conn) != CONNECTION_OK)
		vh_test__die("cannot connect to database \"%s\": %s", db,
			     conn ? PQerrorMessage(conn) : "out of memory");
	return conn;
}

/* Creates a scratch database named `tag` itself, so a suite chooses its
 * own prefix ("sdk_...") and can find its database afterwards. The name
 * must be a plain lower-case identifier, which is all the quoting it needs,
 * and never one of the cluster's own databases. Connects to "postgres" for
 * the DROP/CREATE, since the target cannot be dropped from inside. */
const char *vh_test_createdb(const char *tag)
{
	static char name[64];
	char sql[200];
	const char *p;
	PGconn *conn;

	if (!tag || !*tag || strlen(tag) >= sizeof(name))
		vh_test__die("vh_test_createdb: bad tag \"%s\"", tag ? tag : "");
	for (p = tag; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_'))
			vh_test__die("vh_test_createdb: tag \"%s\" must be "
				     "[a-z0-9_]", tag);
	if (!strcmp(tag, "postgres") || !strncmp(tag, "template", 8))
		vh_test__die("vh_test_createdb: refusing to recreate \"%s\"", tag);
	snprintf(name, sizeof(name), "%s", tag);

	conn = vh_test_connect("postgres");
	/* DROP ... IF EXISTS would print a NOTICE into every test's output. */
	if (vh_test_exec(conn, "SET client_min_messages = warning") < 0)
		vh_test__die("vh_test_createdb: cannot set client_min_messages");
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
	if (vh_test_exec(conn, sql) < 0)
		vh_test__die("vh_test_createdb: cannot drop \"%s\"", name);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	if (vh_test_exec(conn, sql) < 0)
		vh_test__die("vh_test_createdb: cannot create \"%s\"", name);
	PQfinish(conn);
	return name;
}

/* See vh_test.h. The value is a new string the caller frees. */
char *vh_test_value(PGconn *conn, const char *sql)
{
	PGresult *res = PQexec(conn, sql);
	ExecStatusType st = PQresultStatus(res);
	char *value = NULL;

	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
		vh_test__die("query failed: %s\n  in: %s", PQerrorMessage(conn), sql);
	if (st == PGRES_TUPLES_OK && PQntuples(res) > 0 && PQnfields(res) > 0 &&
	    !PQgetisnull(res, 0, 0))
		value = vh_test__xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return value;
}

/* See vh_test.h. Only the last statement's result reaches us, which is
 * enough: PQexec stops at the first error. */
int vh_test_exec(PGconn *conn, const char *sql)
{
	PGresult *res = PQexec(conn, sql);
	ExecStatusType st = PQresultStatus(res);
	int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ||
		 st == PGRES_EMPTY_QUERY;

	if (!ok)
		fprintf(stderr, "vh_test_exec: %s  in: %s\n", PQerrorMessage(conn),
			sql);
	PQclear(res);
	return ok ? 0 : -1;
}

/* ---------------------------------------------------------------------
 * Catalog snapshots
 * --------------------------------------------------------------------- */

/* One query per kind of object, each giving one text line per object,
 * ordered by byte-wise name so two snapshots compare with strcmp. Names are
 * relative to the schema ($1), so two schemas can be compared too; only
 * pg_get_indexdef and pg_get_viewdef may qualify names. */
static const char *const vh_test__snapshot_sql[] = {
	/* Tables, views, sequences and other relations, by kind. */
	"SELECT CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table"
	" (partitioned)' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'"
	" WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table'"
	" ELSE 'relkind ' || c.relkind::text END || ' ' || c.relname"
	" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	" WHERE n.nspname = $1 AND c.relkind IN ('r','p','v','m','S','f')"
	" ORDER BY c.relname COLLATE \"C\"",
	/* Columns in their table's order. */
	"SELECT 'column ' || c.relname || '.' || a.attname || ' '"
	" || format_type(a.atttypid, a.atttypmod)"
	" || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END"
	" || CASE a.attidentity WHEN 'a' THEN ' generated always as identity'"
	"    WHEN 'd' THEN ' generated by default as identity' ELSE '' END"
	" || CASE WHEN a.attgenerated = 's' THEN ' generated always as ('"
	"    || pg_get_expr(d.adbin, d.adrelid) || ') stored'"
	"    WHEN d.adbin IS NOT NULL THEN ' default '"
	"    || pg_get_expr(d.adbin, d.adrelid) ELSE '' END"
	" FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
	" JOIN pg_namespace n ON n.oid = c.relnamespace"
	" LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
	" WHERE n.nspname = $1 AND c.relkind IN ('r','p','v','m','f')"
	" AND a.attnum > 0 AND NOT a.attisdropped"
	" ORDER BY c.relname COLLATE \"C\", a.attnum",
	/* Constraints on tables (and domains' are left out: see types). */
	"SELECT 'constraint ' || c.relname || '.' || k.conname || ' '"
	" || pg_get_constraintdef(k.oid, true)"
	" FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
	" JOIN pg_namespace n ON n.oid = c.relnamespace"
	" WHERE n.nspname = $1"
	" ORDER BY c.relname COLLATE \"C\", k.conname COLLATE \"C\"",
	/* Indexes, those behind constraints included. */
	"SELECT 'index ' || t.relname || '.' || i.relname || ' '"
	" || pg_get_indexdef(i.oid)"
	" FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
	" JOIN pg_class t ON t.oid = x.indrelid"
	" JOIN pg_namespace n ON n.oid = t.relnamespace"
	" WHERE n.nspname = $1"
	" ORDER BY t.relname COLLATE \"C\", i.relname COLLATE \"C\"",
	/* Enum types with their labels in order. */
	"SELECT 'enum ' || t.typname || ' ('"
	" || string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)"
	" || ')'"
	" FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
	" JOIN pg_enum e ON e.enumtypid = t.oid"
	" WHERE n.nspname = $1 GROUP BY t.typname"
	" ORDER BY t.typname COLLATE \"C\"",
	/* View definitions, which change when a view is replaced. */
	"SELECT 'viewdef ' || c.relname || ' ' || regexp_replace("
	"  pg_get_viewdef(c.oid, true), '\\s+', ' ', 'g')"
	" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	" WHERE n.nspname = $1 AND c.relkind IN ('v','m')"
	" ORDER BY c.relname COLLATE \"C\"",
};

/* See vh_test.h. An unknown schema gives "". A failed query ends the
 * program. The string is the caller's to free. */
char *vh_test_snapshot(PGconn *conn, const char *schema)
{
	vh_test__buf b = {0};
	const char *params[1] = {schema};
	size_t q;
	int i;

	for (q = 0; q < sizeof(vh_test__snapshot_sql) / sizeof(*vh_test__snapshot_sql);
	     q++) {
		PGresult *res = PQexecParams(conn, vh_test__snapshot_sql[q], 1,
					     NULL, params, NULL, NULL, 0);

		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			vh_test__die("vh_test_snapshot: %s", PQerrorMessage(conn));
		for (i = 0; i < PQntuples(res); i++) {
			const char *line = PQgetvalue(res, i, 0);

			vh_test__buf_put(&b, line, strlen(line));
			vh_test__buf_put(&b, "\n", 1);
		}
		PQclear(res);
	}
	return vh_test__buf_take(&b);
}

/* ---------------------------------------------------------------------
 * Temporary files
 * --------------------------------------------------------------------- */

/* Directories made by this process, removed at exit unless VH_TEST_KEEP is
 * set (to look at what a failing test left behind). Children never run the
 * atexit handler: they leave through execve or _exit. */
static char **vh_test__tmpdirs;
static size_t vh_test__ntmpdirs;

static int vh_test__rm_one(const char *path, const struct stat *st, int flag,
			   struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void vh_test__cleanup(void)
{
	size_t i;

	for (i = 0; i < vh_test__ntmpdirs; i++) {
		if (!getenv("VH_TEST_KEEP"))
			nftw(vh_test__tmpdirs[i], vh_test__rm_one, 16,
			     FTW_DEPTH | FTW_PHYS);
		free(vh_test__tmpdirs[i]);
	}
	free(vh_test__tmpdirs);
	vh_test__tmpdirs = NULL;
	vh_test__ntmpdirs = 0;
}

/* Makes a fresh directory under /tmp with the given mode (mkdtemp's 0700
 * is changed, so chmod) and registers it for removal. Returns a string owned
 * by the registry, valid until exit. */
static const char *vh_test__mkdtemp(const char *what, mode_t mode)
{
	char tmpl[64];
	char **dirs;

	snprintf(tmpl, sizeof(tmpl), "/tmp/vhtest-%s-XXXXXX", what);
	if (!mkdtemp(tmpl) || chmod(tmpl, mode) < 0)
		vh_test__die("mkdtemp %s: %s", tmpl, strerror(errno));
	if (!vh_test__tmpdirs)
		atexit(vh_test__cleanup);
	dirs = realloc(vh_test__tmpdirs,
		       (vh_test__ntmpdirs + 1) * sizeof(*vh_test__tmpdirs));
	if (!dirs)
		vh_test__die("out of memory");
	vh_test__tmpdirs = dirs;
	dirs[vh_test__ntmpdirs] = vh_test__xstrdup(tmpl);
	return dirs[vh_test__ntmpdirs++];
}

/* Writes `n` bytes to `path` (created with `mode`, replacing any file) and
 * fixes the mode against the umask. Ends the program on failure. */
static void vh_test__write_file(const char *path, const char *data, size_t n,
				mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	size_t off = 0;

	if (fd < 0)
		vh_test__die("cannot create %s: %s", path, strerror(errno));
	while (off < n) {
		ssize_t w = write(fd, data + off, n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			vh_test__die("cannot write %s: %s", path, strerror(errno));
		off += (size_t)w;
	}
	if (fchmod(fd, mode) < 0 || close(fd) < 0)
		vh_test__die("cannot write %s: %s", path, strerror(errno));
}

/* See vh_test.h: the path of "vhost.ini" in a fresh directory. */
const char *vh_test_write_ini(const char *body)
{
	static char path[128];

	snprintf(path, sizeof(path), "%s/vhost.ini", vh_test__mkdtemp("ini", 0700));
	vh_test__write_file(path, body ? body : "", body ? strlen(body) : 0, 0644);
	return path;
}

/* Reads a whole file into a new buffer (*n its length). Ends the program on
 * failure. */
static char *vh_test__slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	vh_test__buf b = {0};
	char chunk[65536];
	size_t got;

	if (!f)
		vh_test__die("cannot open %s: %s", path, strerror(errno));
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		vh_test__buf_put(&b, chunk, got);
	if (ferror(f))
		vh_test__die("cannot read %s", path);
	fclose(f);
	*n = b.len;
	return vh_test__buf_take(&b);
}

/* See vh_test.h. The directory is 0755 and the copies 0644, because the
 * loader refuses plugins in group- or world-writable places. */
const char *vh_test_plugin_dir(const char *const *files)
{
	static char dir[128];
	char src[4096], dst[4096];
	size_t i;

	snprintf(dir, sizeof(dir), "%s", vh_test__mkdtemp("plugins", 0755));
	for (i = 0; files && files[i]; i++) {
		const char *base = strrchr(files[i], '/');
		size_t n;
		char *data;

		if (files[i][0] == '/')
			snprintf(src, sizeof(src), "%s", files[i]);
		else
			snprintf(src, sizeof(src), "%s/%s", VHOST_FIXTURE_DIR, files[i]);
		snprintf(dst, sizeof(dst), "%s/%s", dir, base ? base + 1 : files[i]);
		data = vh_test__slurp(src, &n);
		vh_test__write_file(dst, data, n, 0644);
		free(data);
	}
	return dir;
}

/* ---------------------------------------------------------------------
 * Running the suites
 * --------------------------------------------------------------------- */

/* See vh_test.h: 0 when every test passed; 1 when a test or a suite's
 * setup failed; 2 when the registry itself could not be built. */
int vh_test_main(void (*add_suites)(void))
{
	int status;

	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "vh_test: CUnit: %s\n", CU_get_error_msg());
		return 2;
	}
	add_suites();
	if (CU_get_error() != CUE_SUCCESS) {
		fprintf(stderr, "vh_test: building the suites: %s\n",
			CU_get_error_msg());
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (CU_basic_run_tests() != CUE_SUCCESS) {
		fprintf(stderr, "vh_test: running the suites: %s\n",
			CU_get_error_msg());
		status = 2;
	} else {
		status = CU_get_number_of_failures() || CU_get_number_of_suites_failed() ||
				 CU_get_number_of_tests_failed()
			 ? 1
			 : 0;
	}
	CU_cleanup_registry();
	if (fflush(stdout) != 0 && status == 0)
		status = 1;
	return status;
}

/* vh_test_main takes no user pointer: the table waits here meanwhile. */
static const char *vh__cases_suite;
static const vh_test_case *vh__cases;
static size_t vh__ncases;

static void vh__add_cases(void)
{
	CU_pSuite suite = CU_add_suite(vh__cases_suite, NULL, NULL);
	size_t i;

	for (i = 0; suite && i < vh__ncases; i++)
		CU_add_test(suite, vh__cases[i].name, vh__cases[i].fn);
}

int vh_test_run_cases(const char *suite, const vh_test_case *cases, size_t n)
{
	vh__cases_suite = suite;
	vh__cases = cases;
	vh__ncases = n;
	return vh_test_main(vh__add_cases);
}
