/* test_config.c - the configuration module: defaults, precedence, paths,
 * the ini file's errors, environments and password masking. Each test works
 * in a fresh directory under one mkdtemp() root, as its working directory. */
#include <CUnit/Basic.h>

#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vh_config.h"
#include "vh_error.h"

static char root[PATH_MAX]; /* the mkdtemp() directory */
static char cwd[PATH_MAX];  /* this test's directory (physical path) */
static char start_dir[PATH_MAX];
static int ntest;

/* Reports both strings on a mismatch: CUnit alone names only the expression. */
#define EXPECT_STR(actual, expected)                                           \
	do {                                                                   \
		const char *a_ = (actual), *e_ = (expected);                   \
		int ok_ = a_ && e_ ? strcmp(a_, e_) == 0 : a_ == e_;           \
		if (!ok_)                                                      \
			fprintf(stderr, "\n  %s:%d:\n    got  '%s'\n    want '%s'\n", \
				__FILE__, __LINE__, a_ ? a_ : "(null)",        \
				e_ ? e_ : "(null)");                           \
		CU_ASSERT(ok_);                                                \
	} while (0)

/* A path under this test's directory, in a static buffer (two in turn). */
static const char *at(const char *rel)
{
	static char buf[2][PATH_MAX + 256];
	static int i;

	i = !i;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", cwd, rel);
	return buf[i];
}

/* Writes `body` to `rel` under this test's directory, making parents. */
static void put_file(const char *rel, const char *body)
{
	char dir[PATH_MAX + 256], *slash;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", at(rel));
	for (slash = dir + strlen(cwd) + 1; (slash = strchr(slash, '/')); slash++) {
		*slash = '\0';
		mkdir(dir, 0700);
		*slash = '/';
	}
	f = fopen(at(rel), "w");
	CU_ASSERT_FATAL(f != NULL);
	fputs(body, f);
	fclose(f);
}

/* Each test: no VHOST_* variables, a fresh empty working directory. */
static void setup(void)
{
	char dir[PATH_MAX + 32];

	unsetenv("VHOST_CONFIG");
	unsetenv("VHOST_ENV");
	unsetenv("VHOST_DATABASE_URL");
	snprintf(dir, sizeof(dir), "%s/t%d", root, ++ntest);
	CU_ASSERT_FATAL(mkdir(dir, 0700) == 0 && chdir(dir) == 0);
	CU_ASSERT_FATAL(getcwd(cwd, sizeof(cwd)) != NULL);
}

static void teardown(void)
{
	CU_ASSERT(chdir(start_dir) == 0);
}

/* Loads expecting success; returns the config (caller frees). */
static vh_config *load_ok(const vh_config_overrides *ov)
{
	vh_config *cfg = NULL;
	int rc = vh_config_load(&cfg, ov);

	if (rc != 0)
		fprintf(stderr, "\n  unexpected failure: %s\n", vh_error_last());
	CU_ASSERT(rc == 0 && cfg != NULL);
	return cfg;
}

/* Loads expecting VH_ERR_USAGE with exactly `msg`. */
static void load_fails(const vh_config_overrides *ov, const char *msg)
{
	vh_config *cfg = (vh_config *)1;
	int rc = vh_config_load(&cfg, ov);

	CU_ASSERT(rc == VH_ERR_USAGE);
	CU_ASSERT(cfg == NULL);
	EXPECT_STR(vh_error_last(), msg);
	if (rc == 0)
		vh_config_free(cfg);
}

/* Loads `body` as ./vhost.ini, expecting `msg`. */
static void ini_fails(const char *body, const char *msg)
{
	put_file("vhost.ini", body);
	load_fails(NULL, msg);
}

/* ---- defaults and precedence ------------------------------------------- */

static void test_defaults(void)
{
	vh_config *cfg = load_ok(NULL);
	char *conn;

	if (!cfg)
		return;
	CU_ASSERT_PTR_NULL(cfg->path);
	EXPECT_STR(cfg->dir, cwd);
	EXPECT_STR(cfg->plugin_dir, at("plugins"));
	CU_ASSERT_PTR_NULL(cfg->source_dir);
	EXPECT_STR(cfg->schema, "vibesia_schema");
	EXPECT_STR(cfg->version_table, "alembic_version");
	EXPECT_STR(cfg->version_table_schema, "vibesia_schema");
	EXPECT_STR(cfg->history_table, "vhost_history");
	CU_ASSERT_EQUAL(cfg->transaction_per_revision, 1);
	CU_ASSERT_EQUAL(cfg->lock_timeout, 5000);
	CU_ASSERT_EQUAL(cfg->lock_retries, 3);
	CU_ASSERT_EQUAL(cfg->statement_timeout, 0);
	CU_ASSERT_EQUAL(cfg->migration_lock_wait, 300000);
	CU_ASSERT_EQUAL(cfg->insecure_plugins, 0);
	CU_ASSERT_PTR_NULL(cfg->model);
	CU_ASSERT_EQUAL(cfg->confirm, 0);
	CU_ASSERT_PTR_NULL(cfg->backup_command);
	CU_ASSERT_PTR_NULL(cfg->conn.dsn);
	CU_ASSERT_EQUAL(cfg->conn.n, 0);
	CU_ASSERT(cfg->conn.keys && !cfg->conn.keys[0] && cfg->conn.vals && !cfg->conn.vals[0]);
	CU_ASSERT_PTR_NULL(cfg->env_name);
	conn = vh_config_describe_conn(cfg);
	EXPECT_STR(conn, "");
	free(conn);
	vh_config_free(cfg);
	vh_config_free(NULL);
}

static void test_values(void)
{
	vh_config *cfg;

	put_file("vhost.ini", "\xEF\xBB\xBF; a BOM, CRLF lines and every kind of value\r\n"
		 "[vhost]\r\n"
		 "transaction_per_revision = Off\r\n"
		 "insecure_plugins = yes\r\n"
		 "confirm = 1\r\n"
		 "lock_timeout = 250ms\r\n"
		 "statement_timeout = 2min\r\n"
		 "migration_lock_wait = 1 h\r\n"
		 "lock_retries = 0\r\n"
		 "version_table = v ; an inline comment\r\n"
		 "backup_command = pg_dump -Fc -f backups/x-%Y%m%d.dump\r\n"
		 "\r\n"
		 "[database]\r\n"
		 "host = db.example.com\r\n"
		 "sslmode = require\r\n"
		 "host = db2.example.com\r\n");
	if (!(cfg = load_ok(NULL)))
		return;
	EXPECT_STR(cfg->path, "vhost.ini");
	CU_ASSERT_EQUAL(cfg->transaction_per_revision, 0);
	CU_ASSERT_EQUAL(cfg->insecure_plugins, 1);
	CU_ASSERT_EQUAL(cfg->confirm, 1);
	CU_ASSERT_EQUAL(cfg->lock_timeout, 250);
	CU_ASSERT_EQUAL(cfg->statement_timeout, 120000);
	CU_ASSERT_EQUAL(cfg->migration_lock_wait, 3600000);
	CU_ASSERT_EQUAL(cfg->lock_retries, 0);
	EXPECT_STR(cfg->version_table, "v");
	EXPECT_STR(cfg->backup_command, "pg_dump -Fc -f backups/x-%Y%m%d.dump");
	CU_ASSERT_EQUAL_FATAL(cfg->conn.n, 2);
	EXPECT_STR(cfg->conn.keys[0], "host");
	EXPECT_STR(cfg->conn.vals[0], "db2.example.com");
	EXPECT_STR(cfg->conn.keys[1], "sslmode");
	CU_ASSERT_PTR_NULL(cfg->conn.keys[2]);
	vh_config_free(cfg);
}

static void test_precedence_dsn(void)
{
	vh_config_overrides ov = {0};
	vh_config *cfg;

	put_file("vhost.ini", "[database]\ndsn = dbname=fromfile\nport = 5433\n");
	if ((cfg = load_ok(NULL)))
		EXPECT_STR(cfg->conn.dsn, "dbname=fromfile");
	vh_config_free(cfg);

	/* the variable replaces the whole setting: the file's keywords go too
	 * (issue 20: they used to stay, and reached another database) */
	setenv("VHOST_DATABASE_URL", "postgresql://envhost/envdb", 1);
	if ((cfg = load_ok(NULL))) {
		EXPECT_STR(cfg->conn.dsn, "postgresql://envhost/envdb");
		CU_ASSERT_EQUAL(cfg->conn.n, 0);
		EXPECT_STR(cfg->conn_source, "VHOST_DATABASE_URL");
	}
	vh_config_free(cfg);

	ov.dsn = "host=flaghost";
	if ((cfg = load_ok(&ov))) {
		EXPECT_STR(cfg->conn.dsn, "host=flaghost");
		CU_ASSERT_EQUAL(cfg->conn.n, 0);
		EXPECT_STR(cfg->conn_source, "--dsn");
	}
	vh_config_free(cfg);
}

static void test_precedence_plugin_dir(void)
{
	vh_config_overrides ov = {0};
	vh_config *cfg;

	/* default, relative to the file's directory */
	put_file("conf/vhost.ini", "[vhost]\nschema = s\n");
	ov.config_path = "conf/vhost.ini";
	if ((cfg = load_ok(&ov)))
		EXPECT_STR(cfg->plugin_dir, at("conf/plugins"));
	vh_config_free(cfg);

	put_file("conf/vhost.ini", "[vhost]\nplugin_dir = ../build/plugins\n");
	if ((cfg = load_ok(&ov)))
		EXPECT_STR(cfg->plugin_dir, at("build/plugins"));
	vh_config_free(cfg);

	/* the flag is relative to the working directory */
	ov.plugin_dir = "mine/./plugins/";
	if ((cfg = load_ok(&ov)))
		EXPECT_STR(cfg->plugin_dir, at("mine/plugins"));
	vh_config_free(cfg);

	ov.plugin_dir = "";
	load_fails(&ov, "--plugin-dir: bad value '' for plugin_dir (expected a path)");
}

static void test_precedence_schema(void)
{
	vh_config_overrides ov = {0};
	vh_config *cfg;

	put_file("vhost.ini", "[vhost]\nschema = fromfile\n");
	if ((cfg = load_ok(&ov))) {
		EXPECT_STR(cfg->schema, "fromfile");
		EXPECT_STR(cfg->version_table_schema, "fromfile");
	}
	vh_config_free(cfg);

	ov.schema = "fromflag";
	if ((cfg = load_ok(&ov))) {
		EXPECT_STR(cfg->schema, "fromflag");
		EXPECT_STR(cfg->version_table_schema, "fromflag");
	}
	vh_config_free(cfg);

	put_file("vhost.ini", "[vhost]\nschema = fromfile\nversion_table_schema = meta\n");
	if ((cfg = load_ok(&ov))) {
		EXPECT_STR(cfg->schema, "fromflag");
		EXPECT_STR(cfg->version_table_schema, "meta");
	}
	vh_config_free(cfg);

	ov.schema = "";
	load_fails(&ov, "--schema: bad value '' for schema (expected a name of 1 to 63 bytes)");
}

static void test_precedence_config_path(void)
{
	vh_config_overrides ov = {0};
	vh_config *cfg;

	put_file("vhost.ini", "[vhost]\nschema = cwdfile\n");
	put_file("a/env.ini", "[vhost]\nschema = envfile\n");
	put_file("b/flag.ini", "[vhost]\nschema = flagfile\n");
	if ((cfg = load_ok(&ov)))
		EXPECT_STR(cfg->schema, "cwdfile");
	vh_config_free(cfg);

	setenv("VHOST_CONFIG", "a/env.ini", 1);
	if ((cfg = load_ok(&ov))) {
		EXPECT_STR(cfg->schema, "envfile");
		EXPECT_STR(cfg->path, "a/env.ini");
		EXPECT_STR(cfg->dir, at("a"));
	}
	vh_config_free(cfg);

	ov.config_path = "b/flag.ini";
	if ((cfg = load_ok(&ov)))
		EXPECT_STR(cfg->schema, "flagfile");
	vh_config_free(cfg);

	/* an empty variable counts as unset */
	setenv("VHOST_CONFIG", "", 1);
	if ((cfg = load_ok(NULL)))
		EXPECT_STR(cfg->schema, "cwdfile");
	vh_config_free(cfg);
}

static void test_relative_paths(void)
{
	vh_config_overrides ov = {0};
	vh_config *cfg;
	char conf[PATH_MAX + 256];

	put_file("proj/conf/vhost.ini", "[vhost]\nplugin_dir = ../build/plugins\n"
		 "source_dir = ../plugins/vibesia\nmodel = /abs/./model.sql\n");
	put_file("elsewhere/x", "");
	snprintf(conf, sizeof(conf), "%s", at("proj/conf"));

	/* the same file, reached from two working directories and two ways */
	CU_ASSERT_FATAL(chdir(at("elsewhere")) == 0);
	ov.config_path = "../proj/conf/vhost.ini";
	if ((cfg = load_ok(&ov))) {
		EXPECT_STR(cfg->dir, conf);
		EXPECT_STR(cfg->plugin_dir, at("proj/build/plugins"));
		EXPECT_STR(cfg->source_dir, at("proj/plugins/vibesia"));
		EXPECT_STR(cfg->model, "/abs/model.sql");
	}
	vh_config_free(cfg);

	CU_ASSERT_FATAL(chdir("/") == 0);
	ov.config_path = at("proj/conf/vhost.ini");
	if ((cfg = load_ok(&ov))) {
		EXPECT_STR(cfg->dir, conf);
		EXPECT_STR(cfg->plugin_dir, at("proj/build/plugins"));
	}
	vh_config_free(cfg);
}

/* ---- errors in the file ------------------------------------------------- */

static void test_unknown_key(void)
{
	ini_fails("[vhost]\nschema = s\n\nplugins_dir = x\n",
		  "vhost.ini:4: unknown key 'plugins_dir' in section [vhost]");
	ini_fails("[vhost]\nhost = x\n", "vhost.ini:2: unknown key 'host' in section [vhost] "
		  "(connection settings go in [database])");
	ini_fails("; c\n[database]\nhots = x\n", "vhost.ini:3: unknown key 'hots' in section "
		  "[database] (expected dsn or a libpq connection keyword)");
	ini_fails("[env.ci]\nhots = x\n", "vhost.ini:2: unknown key 'hots' in section [env.ci] "
		  "(expected a [vhost] key, dsn or a libpq connection keyword)");
	ini_fails("schema = x\n", "vhost.ini:1: key 'schema' outside any section "
		  "(expected [vhost], [database] or [env.NAME] above it)");
}

static void test_unknown_section(void)
{
	/* reported even when the section is empty */
	ini_fails("[vhost]\nschema = s\n[databse]\n", "vhost.ini:3: unknown section [databse] "
		  "(expected [vhost], [database], [env.NAME] or [fleet.NAME])");
	ini_fails("[env.]\n", "vhost.ini:1: bad environment name in [env.] "
		  "(expected 1 to 40 letters, digits, '_' or '-')");
	ini_fails("[env.a b]\n", "vhost.ini:1: bad environment name in [env.a b] "
		  "(expected 1 to 40 letters, digits, '_' or '-')");
}

static void test_malformed_line(void)
{
	ini_fails("[vhost]\nschema = s\njust words\n",
		  "vhost.ini:3: malformed line (expected key = value or [section])");
	ini_fails("[vhost\n", "vhost.ini:1: malformed line (expected key = value or [section])");
	/* reported in file order, before a later unknown key or section */
	ini_fails("[vhost]\noops\nnope = 1\n[what]\n",
		  "vhost.ini:2: malformed line (expected key = value or [section])");
	ini_fails("[vhost]\nschema = s\n  version_table = v\n", "vhost.ini:3: indented line would "
		  "continue the value above; start each setting at the beginning of its line");
}

static void test_long_line(void)
{
	char body[600], msg[400];
	vh_config *cfg;
	int n;

	/* 198 bytes and a newline: the most inih reads whole */
	n = snprintf(body, sizeof(body), "[vhost]\nbackup_command = ");
	memset(body + n, 'x', 198 - 17);
	strcpy(body + n + 198 - 17, "\nschema = after\n");
	put_file("vhost.ini", body);
	if ((cfg = load_ok(NULL))) {
		CU_ASSERT_EQUAL(strlen(cfg->backup_command), 198 - 17);
		EXPECT_STR(cfg->schema, "after");
	}
	vh_config_free(cfg);

	/* one byte more */
	n = snprintf(body, sizeof(body), "[vhost]\nbackup_command = ");
	memset(body + n, 'x', 199 - 17);
	strcpy(body + n + 199 - 17, "\nschema = after\n");
	ini_fails(body, "vhost.ini:2: line is 200 bytes (newline included), longer than the 199 "
		  "this build of inih reads; shorten it");

	n = snprintf(body, sizeof(body), "; conn\n\n[database]\ndsn = host=h ");
	memset(body + n, 'x', 250);
	strcpy(body + n + 250, "\n");
	snprintf(msg, sizeof(msg), "vhost.ini:4: line is %d bytes (newline included), longer "
		 "than the 199 this build of inih reads; put each connection parameter on "
		 "its own line in [database]", n - (int)strlen("; conn\n\n[database]\n") + 251);
	ini_fails(body, msg);

	/* an earlier problem is reported first */
	strcpy(body, "[vhost]\nnope = 1\n");
	memset(body + 17, 'x', 300);
	strcpy(body + 317, "\n");
	ini_fails(body, "vhost.ini:2: unknown key 'nope' in section [vhost]");
}

static void test_bad_values(void)
{
	ini_fails("[vhost]\ninsecure_plugins = maybe\n", "vhost.ini:2: bad value 'maybe' for "
		  "insecure_plugins (expected true or false, yes or no, on or off, 1 or 0)");
	ini_fails("[vhost]\nlock_timeout = abc\n", "vhost.ini:2: bad value 'abc' for lock_timeout "
		  "(expected a duration such as 5s, 250ms, 2min)");
	ini_fails("[vhost]\nlock_timeout = 5 days\n", "vhost.ini:2: bad value '5 days' for "
		  "lock_timeout (expected a duration such as 5s, 250ms, 2min)");
	ini_fails("[vhost]\nlock_timeout = 9999999h\n", "vhost.ini:2: bad value '9999999h' for "
		  "lock_timeout (expected a duration such as 5s, 250ms, 2min)");
	ini_fails("[vhost]\nlock_retries = -1\n", "vhost.ini:2: bad value '-1' for lock_retries "
		  "(expected a whole number such as 3)");
	ini_fails("[vhost]\nschema =\n", "vhost.ini:2: bad value '' for schema "
		  "(expected a name of 1 to 63 bytes)");
	ini_fails("[vhost]\nhistory_table = "
		  "a123456789b123456789c123456789d123456789e123456789f123456789g123\n",
		  "vhost.ini:2: bad value 'a123456789b123456789c123456789d123456789e123456789"
		  "f123456789g123' for history_table (expected a name of 1 to 63 bytes)");
	ini_fails("[vhost]\nplugin_dir =\n", "vhost.ini:2: bad value '' for plugin_dir "
		  "(expected a path)");
	ini_fails("[database]\ndsn = host=h port\n", "vhost.ini:2: bad value for dsn: "
		  "missing \"=\" after \"port\" in connection info string");
}

static void test_missing_file(void)
{
	vh_config_overrides ov = {0};

	ov.config_path = "conf/nope.ini";
	load_fails(&ov, "conf/nope.ini: cannot open config file: No such file or directory");
	setenv("VHOST_CONFIG", "other.ini", 1);
	load_fails(NULL, "other.ini: cannot open config file: No such file or directory");
	ov.config_path = ".";
	load_fails(&ov, ".: cannot open config file: Is a directory");
}

/* ---- environments ------------------------------------------------------- */

static const char env_ini[] =
	"[env.production]\n"
	"confirm = true\n"
	"host = prod.example.com\n"
	"plugin_dir = prod-plugins\n"
	"[vhost]\n"
	"schema = base\n"
	"[database]\n"
	"host = localhost\n"
	"port = 5433\n"
	"[env.ci]\n"
	"dsn = dbname=ci\n"
	"port =\n"
	"schema = ci\n";

static void test_env_select(void)
{
	vh_config_overrides ov = {0};
	vh_config *cfg;

	put_file("vhost.ini", env_ini);
	if ((cfg = load_ok(&ov))) {
		CU_ASSERT_PTR_NULL(cfg->env_name);
		CU_ASSERT_EQUAL(cfg->confirm, 0);
		EXPECT_STR(cfg->conn.vals[0], "localhost");
		EXPECT_STR(cfg->plugin_dir, at("plugins"));
	}
	vh_config_free(cfg);

	/* its section comes first in the file, and still wins */
	ov.env = "production";
	if ((cfg = load_ok(&ov))) {
		EXPECT_STR(cfg->env_name, "production");
		CU_ASSERT_EQUAL(cfg->confirm, 1);
		EXPECT_STR(cfg->schema, "base");
		/* its host replaces [database]'s whole setting: no port 5433 */
		CU_ASSERT_EQUAL(cfg->conn.n, 1);
		EXPECT_STR(cfg->conn.vals[0], "prod.example.com");
		EXPECT_STR(cfg->conn_source, "[env.production] in vhost.ini");
		EXPECT_STR(cfg->plugin_dir, at("prod-plugins"));
	}
	vh_config_free(cfg);

	/* by the variable; its dsn replaces [database]'s keywords */
	ov.env = NULL;
	setenv("VHOST_ENV", "ci", 1);
	if ((cfg = load_ok(&ov))) {
		EXPECT_STR(cfg->env_name, "ci");
		EXPECT_STR(cfg->schema, "ci");
		EXPECT_STR(cfg->conn.dsn, "dbname=ci");
		CU_ASSERT_EQUAL(cfg->conn.n, 0);
	}
	vh_config_free(cfg);

	/* the flag wins over the variable */
	ov.env = "production";
	if ((cfg = load_ok(&ov)))
		EXPECT_STR(cfg->env_name, "production");
	vh_config_free(cfg);
}

static void test_env_errors(void)
{
	vh_config_overrides ov = {0};

	put_file("vhost.ini", env_ini);
	ov.env = "staging";
	load_fails(&ov, "vhost.ini: no environment 'staging' (defined: production, ci)");
	setenv("VHOST_ENV", "staging", 1);
	load_fails(NULL, "vhost.ini: no environment 'staging' (defined: production, ci)");

	put_file("vhost.ini", "[vhost]\n");
	load_fails(NULL, "vhost.ini: no environment 'staging' (defined: none)");

	unlink("vhost.ini");
	load_fails(NULL, "no environment 'staging': no config file was read "
		   "(name one with -c or VHOST_CONFIG)");

	/* an environment not selected is still checked */
	unsetenv("VHOST_ENV");
	ini_fails("[vhost]\n[env.production]\nlock_timeout = soon\n", "vhost.ini:3: bad value "
		  "'soon' for lock_timeout (expected a duration such as 5s, 250ms, 2min)");
}

/* ---- passwords ---------------------------------------------------------- */

static void expect_conn(const char *dsn, const char *key, const char *val, const char *want)
{
	vh_config cfg = {0};
	char *keys[2] = {(char *)key, NULL}, *vals[2] = {(char *)val, NULL};
	char *got;

	cfg.conn.dsn = (char *)dsn;
	cfg.conn.keys = keys;
	cfg.conn.vals = vals;
	cfg.conn.n = key ? 1 : 0;
	got = vh_config_describe_conn(&cfg);
	EXPECT_STR(got, want);
	CU_ASSERT(!got || !strstr(got, "s3cr"));
	free(got);
}

static void test_describe_conn(void)
{
	vh_config_overrides ov = {0};

	expect_conn("postgresql://alice:s3cret@db.example.com:5432/vibesia", NULL, NULL,
		    "postgresql://alice:***@db.example.com:5432/vibesia");
	expect_conn("postgres://alice@db/vibesia?sslmode=require&password=s3cret", NULL, NULL,
		    "postgres://alice@db/vibesia?sslmode=require&password=***");
	expect_conn("postgresql://db?pass%77ord=s3cret", NULL, NULL,
		    "postgresql://db?pass%77ord=***");
	expect_conn("postgresql://db/x", NULL, NULL, "postgresql://db/x");
	expect_conn("host=db user=alice password='s3 cr\\'et' dbname=vibesia", NULL, NULL,
		    "user=alice password=*** dbname=vibesia host=db");
	expect_conn("host=db application_name='my app'", "password", "s3cret",
		    "host=db application_name='my app' password=***");
	expect_conn("vibesia", "sslmode", "require", "dbname=vibesia sslmode=require");
	expect_conn(NULL, "dbname", "postgresql://bob:s3cret@h/d", "dbname=postgresql://bob:***@h/d");

	/* nor in the messages about a bad dsn */
	ov.dsn = "host=db password=s3cret oops";
	load_fails(&ov, "--dsn: bad value for dsn: libpq cannot parse it (its message is "
		   "withheld: it may quote the password)");
	setenv("VHOST_DATABASE_URL", "postgresql://u:s3cret@h/d?nope=1", 1);
	load_fails(NULL, "VHOST_DATABASE_URL: bad value for dsn: libpq cannot parse it (its "
		   "message is withheld: it may quote the password)");
}

/* ---- the shipped conf/vhost.ini ---------------------------------------- */

#ifdef VHOST_SOURCE_DIR
/* The whole of a file, NUL-terminated; caller frees. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s = NULL;
	size_t n = 0;
	FILE *m;

	if (!f || !(m = open_memstream(&s, &n))) {
		if (f)
			fclose(f);
		return NULL;
	}
	for (int c; (c = getc(f)) != EOF;)
		putc(c, m);
	fclose(f);
	fclose(m);
	return s;
}

#define DOCUMENTED(name, type, def)                                            \
	if (!strstr(text, "\n" #name " =") && !strstr(text, "\n;" #name " =")) { \
		fprintf(stderr, "\n  conf/vhost.ini lacks a line for '%s'\n", #name); \
		CU_FAIL("key not documented in conf/vhost.ini");               \
	}

static void test_shipped_ini(void)
{
	vh_config_overrides ov = {0};
	vh_config *cfg;
	char *text, *env, *p, *q;

	ov.config_path = VHOST_SOURCE_DIR "/conf/vhost.ini";
	if ((cfg = load_ok(&ov))) {
		EXPECT_STR(cfg->plugin_dir, VHOST_SOURCE_DIR "/build/plugins");
		EXPECT_STR(cfg->source_dir, VHOST_SOURCE_DIR "/plugins/vibesia");
		CU_ASSERT_PTR_NULL(cfg->conn.dsn);
		CU_ASSERT_EQUAL(cfg->conn.n, 0);
	}
	vh_config_free(cfg);

	CU_ASSERT_FATAL((text = slurp(ov.config_path)) != NULL);
	VH_CONFIG_KEYS(DOCUMENTED)

	/* the commented example environments, uncommented, must load */
	if ((env = strstr(text, "\n;[env.production]"))) {
		for (p = q = env; *p; p++)
			if (!(*p == ';' && p[-1] == '\n'))
				*q++ = *p;
		*q = '\0';
	}
	CU_ASSERT_FATAL(env != NULL);
	put_file("vhost.ini", text);
	free(text);
	ov.config_path = NULL;
	ov.env = "production";
	if ((cfg = load_ok(&ov))) {
		CU_ASSERT_EQUAL(cfg->confirm, 1);
		EXPECT_STR(cfg->backup_command, "pg_dump -Fc -f backups/vibesia-%Y%m%d-%H%M%S.dump");
	}
	vh_config_free(cfg);
}
#endif

/* ---- the runner --------------------------------------------------------- */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

int main(void)
{
	static const struct { const char *name; CU_TestFunc fn; } tests[] = {
		{"defaults", test_defaults},
		{"values", test_values},
		{"precedence: dsn", test_precedence_dsn},
		{"precedence: plugin_dir", test_precedence_plugin_dir},
		{"precedence: schema", test_precedence_schema},
		{"precedence: config path", test_precedence_config_path},
		{"relative paths", test_relative_paths},
		{"unknown key", test_unknown_key},
		{"unknown section", test_unknown_section},
		{"malformed line", test_malformed_line},
		{"long line", test_long_line},
		{"bad values", test_bad_values},
		{"missing file", test_missing_file},
		{"environments", test_env_select},
		{"environment errors", test_env_errors},
		{"describe_conn", test_describe_conn},
#ifdef VHOST_SOURCE_DIR
		{"conf/vhost.ini", test_shipped_ini},
#endif
	};
	CU_pSuite suite;
	unsigned failed;
	size_t i;

	snprintf(root, sizeof(root), "%s/vhost-test-config.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root) || !getcwd(start_dir, sizeof(start_dir))) {
		perror("test_config: setup");
		return 1;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite_with_setup_and_teardown("config", NULL, NULL, setup, teardown);
	for (i = 0; suite && i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!CU_add_test(suite, tests[i].name, tests[i].fn))
			suite = NULL;
	if (!suite) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return failed || CU_get_error() != CUE_SUCCESS ? 1 : 0;
}
