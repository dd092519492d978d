/* vh_config.c - vhost's settings: defaults, the ini file (read with inih),
 * the environment and the command line, in rising order of precedence. */
#include "vh_config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>
#include <libpq-fe.h>

#include "vh_conninfo.h"
#include "vh_error.h"

/* inih reads with fgets(buf, INI_MAX_LINE): a line, newline included, must
 * fit in INI_MAX_LINE - 1 bytes, or inih cuts it and parses the rest as a
 * line of its own. */
#define VH__LINE_MAX (INI_MAX_LINE - 1)
#define VH__IDENT_MAX 63    /* PostgreSQL's NAMEDATALEN - 1 */
#define VH__ENV_NAME_MAX 40 /* inih keeps only 49 bytes of a section name */

/* One load in progress: what the inih callbacks need. */
typedef struct vh__load {
	FILE *fp;
	const char *path;  /* as the user gave it, for messages */
	const char *env;   /* the environment selected, or NULL */
	int env_found;     /* the file has [env.<env>] */
	char *envs;        /* environments defined, ", "-separated */
	int lineno;        /* line inih is parsing */
	int stop_line;     /* the prescan's first problem: inih reads up to it */
	int pass;          /* 1: base sections, all checked; 2: [env.<env>] */
	int err_line, err; /* the handler's first failure */
	vh_config *cfg;
	vh_config *scratch; /* pass 1 checks other environments' values here */
	PQconninfoOption *keywords; /* libpq's, to check [database] names */
} vh__load;

static int vh__nomem(void)
{
	return vh_error_set(VH_ERR_NOMEM, "out of memory reading the configuration");
}

/* Replaces *field with a copy of value, or NULL for an empty value. */
static int vh__replace(char **field, const char *value)
{
	char *copy = NULL;

	if (value && *value && !(copy = strdup(value)))
		return vh__nomem();
	free(*field);
	*field = copy;
	return 0;
}

/* An environment variable, or NULL when unset or empty. */
static const char *vh__getenv(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* Makes `rel` absolute against the absolute `base` and drops ".", ".." and
 * doubled slashes lexically, like Python's os.path.abspath (symlinks are
 * kept), so paths in messages read cleanly. Returns a new string, or NULL
 * when out of memory. */
static char *vh__abspath(const char *base, const char *rel)
{
	char *joined, *out, *o;
	const char *p, *seg;
	size_t n;

	if (rel[0] == '/')
		joined = strdup(rel);
	else if (asprintf(&joined, "%s/%s", base, rel) < 0)
		joined = NULL;
	if (!joined || !(out = malloc(strlen(joined) + 2))) {
		free(joined);
		return NULL;
	}
	o = out;
	for (p = joined; *p;) {
		while (*p == '/')
			p++;
		seg = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - seg);
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			while (o > out && *--o != '/')
				;
			continue;
		}
		*o++ = '/';
		memcpy(o, seg, n);
		o += n;
	}
	if (o == out)
		*o++ = '/';
	*o = '\0';
	free(joined);
	return out;
}

/* ---- values: one setter per type of VH_CONFIG_KEYS ---------------------
 * Each checks `value` (NULL counts as empty) and stores it, or fails with
 * VH_ERR_USAGE "<where>: bad value ...". A key with a default cannot be
 * emptied; for one without, empty means unset. */

static int vh__bad(const char *where, const char *value, const char *key,
		   const char *expected)
{
	return vh_error_set(VH_ERR_USAGE, "%s: bad value '%s' for %s (expected %s)",
			    where, value, key, expected);
}

static int vh__set_STR(char **field, const char *key, const char *def,
		       const char *value, const char *where, const char *dir)
{
	/* These become SQL identifiers; PostgreSQL would silently cut a longer
	 * one, and two long names could then meet. */
	static const char *const idents[] = {"schema", "version_table",
		"version_table_schema", "history_table", NULL};
	size_t i;

	(void)dir;
	value = value ? value : "";
	for (i = 0; idents[i] && strcmp(idents[i], key); i++)
		;
	if ((idents[i] && strlen(value) > VH__IDENT_MAX) || (def && !*value))
		return vh__bad(where, value, key, "a name of 1 to 63 bytes");
	return vh__replace(field, value);
}

static int vh__set_PATH(char **field, const char *key, const char *def,
			const char *value, const char *where, const char *dir)
{
	char *abs;

	if (!value || !*value) {
		if (def)
			return vh__bad(where, "", key, "a path");
		free(*field);
		*field = NULL;
		return 0;
	}
	if (!(abs = vh__abspath(dir, value)))
		return vh__nomem();
	free(*field);
	*field = abs;
	return 0;
}

static int vh__set_BOOL(int *field, const char *key, const char *def,
			const char *value, const char *where, const char *dir)
{
	static const char *const words[] = {"false", "true", "no", "yes", "off", "on",
		"0", "1", NULL};
	size_t i;

	(void)def, (void)dir;
	value = value ? value : "";
	for (i = 0; words[i]; i++) {
		if (strcasecmp(value, words[i]) == 0) {
			*field = (int)(i % 2);
			return 0;
		}
	}
	return vh__bad(where, value, key, "true or false, yes or no, on or off, 1 or 0");
}

static int vh__set_INT(int *field, const char *key, const char *def,
		       const char *value, const char *where, const char *dir)
{
	char *end;
	long v;

	(void)def, (void)dir;
	value = value ? value : "";
	errno = 0;
	v = strtol(value, &end, 10);
	if (!isdigit((unsigned char)*value) || *end || errno || v > INT_MAX)
		return vh__bad(where, value, key, "a whole number such as 3");
	*field = (int)v;
	return 0;
}

static int vh__set_MS(int *field, const char *key, const char *def,
		      const char *value, const char *where, const char *dir)
{
	static const struct { const char *unit; long long ms; } units[] = {
		{"", 1}, {"ms", 1}, {"s", 1000}, {"min", 60000}, {"h", 3600000}};
	char *end;
	long long v;
	size_t i;

	(void)def, (void)dir;
	value = value ? value : "";
	errno = 0;
	v = strtoll(value, &end, 10);
	while (*end == ' ' || *end == '\t')
		end++;
	for (i = 0; isdigit((unsigned char)*value) && !errno && i < sizeof(units) / sizeof(units[0]);
	     i++) {
		if (strcmp(end, units[i].unit) == 0 && v <= INT_MAX / units[i].ms) {
			*field = (int)(v * units[i].ms);
			return 0;
		}
	}
	return vh__bad(where, value, key, "a duration such as 5s, 250ms, 2min");
}

/* Sets [vhost] key `key`: 0, VH_ERR_USAGE for a bad value, or
 * VH_ERR_NOTFOUND (no message) when there is no such key. Relative paths
 * resolve against `dir`. */
#define VH__CFG_SET(name, type, def)                                           \
	if (strcmp(key, #name) == 0)                                           \
		return vh__set_##type(&cfg->name, #name, def, value, where, dir);

static int vh__set_key(vh_config *cfg, const char *key, const char *value,
		       const char *where, const char *dir)
{
	VH_CONFIG_KEYS(VH__CFG_SET)
	return VH_ERR_NOTFOUND;
}

#define VH__CFG_DEFAULT(name, type, def)                                       \
	if ((rc = vh__set_##type(&cfg->name, #name, NULL, def, "default",        \
				 cfg->dir)) < 0)                                \
		return rc;

/* The defaults of VH_CONFIG_KEYS, relative paths against cfg->dir. */
static int vh__set_defaults(vh_config *cfg)
{
	int rc;

	VH_CONFIG_KEYS(VH__CFG_DEFAULT)
	return 0;
}

/* ---- connection settings ---------------------------------------------- */

/* Whether `key` belongs in [database]: `dsn` or a libpq keyword. */
static int vh__is_db_key(const vh__load *ld, const char *key)
{
	const PQconninfoOption *o;

	if (strcmp(key, "dsn") == 0)
		return 1;
	for (o = ld->keywords; o && o->keyword; o++)
		if (strcmp(o->keyword, key) == 0)
			return 1;
	return 0;
}

/* Sets a [database] key; VH_ERR_NOTFOUND (no message) for any other key. */
static int vh__set_db(const vh__load *ld, vh_config *cfg, const char *key,
		      const char *value, const char *where)
{
	if (!vh__is_db_key(ld, key))
		return VH_ERR_NOTFOUND;
	if (strcmp(key, "dsn") == 0)
		return vh_conninfo_set_dsn(&cfg->conn, value, where);
	return vh_conninfo_set(&cfg->conn, key, value);
}

/* ---- the file ----------------------------------------------------------- */

/* Trims the line as inih does (a BOM on line 1, trailing and leading
 * whitespace); *indented says whether leading whitespace was there. */
static char *vh__trim(char *line, int lineno, int *indented)
{
	char *s = line, *e;

	if (lineno == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	*indented = isspace((unsigned char)*s);
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* Checks a section name; notes an environment's. */
static int vh__check_section(vh__load *ld, const char *name, const char *where)
{
	const char *env = name + 4, *p;
	size_t n;
	char *list;

	if (strcmp(name, "vhost") == 0 || strcmp(name, "database") == 0)
		return 0;
	if (strncmp(name, "env.", 4) != 0)
		return vh_error_set(VH_ERR_USAGE, "%s: unknown section [%s] (expected [vhost], "
				    "[database] or [env.NAME])", where, name);
	/* Only now: for a name shorter than "env." (such as "[v]"), name + 4
	 * lies past its end (found by tests/fuzz/fuzz_config.c). */
	n = strlen(env);
	if (!n || n > VH__ENV_NAME_MAX ||
	    strspn(env, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != n)
		return vh_error_set(VH_ERR_USAGE, "%s: bad environment name in [%s] (expected 1 to "
				    "40 letters, digits, '_' or '-')", where, name);
	if (ld->env && strcmp(env, ld->env) == 0)
		ld->env_found = 1;
	for (p = ld->envs; p && (p = strstr(p, env)); p += n)
		if ((p == ld->envs || p[-1] == ' ') && (p[n] == ',' || !p[n]))
			return 0; /* named before: inih merges repeated sections */
	if (asprintf(&list, "%s%s%s", ld->envs ? ld->envs : "", ld->envs ? ", " : "", env) < 0)
		return vh__nomem();
	free(ld->envs);
	ld->envs = list;
	return 0;
}

/* Reads the file once before inih, for what inih reports badly or not at
 * all: a line too long for its buffer (cut, the rest parsed as a line of its
 * own), an indented line after a key (appended to that key as a multi-line
 * value, silently replacing it), and section names, checked even for empty
 * sections. Notes the environments defined. On the first problem, sets
 * ld->stop_line and leaves its message in the error slot; returns an error
 * only for a read failure or lack of memory. */
static int vh__prescan(vh__load *ld)
{
	char *line = NULL, *s, *e, where[4200];
	size_t cap = 0;
	ssize_t n;
	int lineno = 0, after_key = 0, indented, rc = 0;

	ld->stop_line = 0;
	while (!ld->stop_line && (n = getline(&line, &cap, ld->fp)) > 0) {
		snprintf(where, sizeof(where), "%s:%d", ld->path, ++lineno);
		if (n > VH__LINE_MAX) {
			s = vh__trim(line, lineno, &indented);
			vh_error_set(VH_ERR_USAGE, "%s: line is %zd bytes (newline included), longer than "
				     "the %d this build of inih reads; %s", where, n, VH__LINE_MAX,
				     strncmp(s, "dsn", 3) == 0 ? "put each connection parameter on "
				     "its own line in [database]" : "shorten it");
			ld->stop_line = lineno;
			break;
		}
		s = vh__trim(line, lineno, &indented);
		if (!*s || *s == ';' || *s == '#')
			continue;
		if (indented && after_key) {
			vh_error_set(VH_ERR_USAGE, "%s: indented line would continue the value above; "
				     "start each setting at the beginning of its line", where);
			ld->stop_line = lineno;
		} else if (*s == '[') {
			/* inih ends the name at ']' (an unclosed one is its error) */
			if ((e = strchr(s, ']'))) {
				*e = '\0';
				after_key = 0;
				if ((rc = vh__check_section(ld, s + 1, where)) == VH_ERR_NOMEM)
					break;
				if (rc < 0)
					ld->stop_line = lineno;
				rc = 0;
			}
		} else {
			after_key = 1;
		}
	}
	if (!rc && ferror(ld->fp))
		rc = vh_error_set(VH_ERR_USAGE, "%s: cannot read config file: %s", ld->path,
				  strerror(errno));
	free(line);
	rewind(ld->fp);
	return rc;
}

/* inih's reader: counts lines for the handler's messages, and ends the file
 * before the prescan's first problem so inih reports only earlier ones. */
static char *vh__read_line(char *str, int num, void *stream)
{
	vh__load *ld = stream;

	if (ld->stop_line && ld->lineno + 1 >= ld->stop_line)
		return NULL;
	if (!fgets(str, num, ld->fp))
		return NULL;
	ld->lineno++;
	return str;
}

/* inih's handler. Pass 1 applies [vhost] and [database] and checks every
 * environment's keys into a scratch config; pass 2 applies the selected
 * [env.NAME], so it wins wherever it sits in the file. Keeps only the first
 * failure (inih reports the first failing line). */
static int vh__handler(void *user, const char *section, const char *key, const char *value)
{
	vh__load *ld = user;
	vh_config *target = ld->cfg;
	int is_env = strncmp(section, "env.", 4) == 0, rc = VH_ERR_NOTFOUND;
	char where[4200];

	if (ld->err_line)
		return 1;
	if (ld->pass == 2 && (!is_env || strcmp(section + 4, ld->env) != 0))
		return 1;
	if (ld->pass == 1 && is_env)
		target = ld->scratch;
	snprintf(where, sizeof(where), "%s:%d", ld->path, ld->lineno);
	if (!*section)
		rc = vh_error_set(VH_ERR_USAGE, "%s: key '%s' outside any section (expected "
				  "[vhost], [database] or [env.NAME] above it)", where, key);
	if (*section && strcmp(section, "database") != 0)
		rc = vh__set_key(target, key, value, where, ld->cfg->dir);
	if (*section && rc == VH_ERR_NOTFOUND && strcmp(section, "vhost") != 0)
		rc = vh__set_db(ld, target, key, value, where);
	if (rc == VH_ERR_NOTFOUND) {
		const char *hint = "";

		if (!strcmp(section, "vhost") && vh__is_db_key(ld, key))
			hint = " (connection settings go in [database])";
		else if (!strcmp(section, "database"))
			hint = " (expected dsn or a libpq connection keyword)";
		else if (is_env)
			hint = " (expected a [vhost] key, dsn or a libpq connection keyword)";
		rc = vh_error_set(VH_ERR_USAGE, "%s: unknown key '%s' in section [%s]%s", where,
				  key, section, hint);
	}
	if (rc < 0) {
		ld->err_line = ld->lineno;
		ld->err = rc;
		return 0;
	}
	return 1;
}

/* Runs inih over the file for one pass; maps its answer to our message. */
static int vh__parse(vh__load *ld, int pass)
{
	int line;

	rewind(ld->fp);
	ld->pass = pass;
	ld->lineno = 0;
	ld->err_line = 0;
	line = ini_parse_stream(vh__read_line, ld, vh__handler, ld);
	if (line == 0)
		return 0;
	if (line < 0)
		return vh__nomem();
	if (line == ld->err_line)
		return ld->err;
	return vh_error_set(VH_ERR_USAGE, "%s:%d: malformed line (expected key = value or [section])",
			    ld->path, line);
}

/* Reads the open file into ld->cfg: prescan, pass 1, the environment's
 * presence, pass 2. Problems are reported in file order. */
static int vh__read_file(vh__load *ld)
{
	int rc;

	if ((rc = vh__prescan(ld)) < 0)
		return rc;
	if (ld->stop_line) {
		/* keep the prescan's message unless inih finds an earlier one */
		char first[2048];

		snprintf(first, sizeof(first), "%s", vh_error_last());
		if ((rc = vh__parse(ld, 1)) < 0)
			return rc;
		return vh_error_set(VH_ERR_USAGE, "%s", first);
	}
	if ((rc = vh__parse(ld, 1)) < 0)
		return rc;
	if (ld->env && !ld->env_found)
		return vh_error_set(VH_ERR_USAGE, "%s: no environment '%s' (defined: %s)", ld->path,
				    ld->env, ld->envs ? ld->envs : "none");
	return ld->env ? vh__parse(ld, 2) : 0;
}

/* Opens the config file, if any, and sets cfg->path and cfg->dir. Only a
 * file named explicitly (-c, $VHOST_CONFIG) must exist. */
static int vh__open(vh__load *ld, vh_config *cfg, const char *path, int explicit,
		    const char *cwd)
{
	struct stat st;
	char *slash;

	if (!(ld->fp = fopen(path, "r"))) {
		if (!explicit && errno == ENOENT)
			return vh__replace(&cfg->dir, cwd);
		return vh_error_set(VH_ERR_USAGE, "%s: cannot open config file: %s", path,
				    strerror(errno));
	}
	if (fstat(fileno(ld->fp), &st) == 0 && S_ISDIR(st.st_mode))
		return vh_error_set(VH_ERR_USAGE, "%s: cannot open config file: %s", path,
				    strerror(EISDIR));
	if (!(cfg->path = strdup(path)) || !(cfg->dir = vh__abspath(cwd, path)))
		return vh__nomem();
	slash = strrchr(cfg->dir, '/');
	slash[slash == cfg->dir] = '\0'; /* keep "/" for a file at the root */
	ld->path = cfg->path;
	return 0;
}

int vh_config_load(vh_config **out, const vh_config_overrides *ov)
{
	static const vh_config_overrides none = {0};
	vh__load ld = {0};
	vh_config *cfg;
	const char *path, *url;
	char *cwd = NULL;
	int rc;

	*out = NULL;
	ov = ov ? ov : &none;
	ld.cfg = cfg = calloc(1, sizeof(*cfg));
	ld.scratch = calloc(1, sizeof(*ld.scratch));
	if (!cfg || !ld.scratch) {
		rc = vh__nomem();
		goto done;
	}
	if ((rc = vh_conninfo_init(&cfg->conn)) < 0) {
		goto done;
	}
	if (!(cwd = getcwd(NULL, 0))) {
		rc = vh_error_set(VH_ERR_GENERIC, "cannot determine the working directory: %s",
				  strerror(errno));
		goto done;
	}
	path = ov->config_path ? ov->config_path : vh__getenv("VHOST_CONFIG");
	if ((rc = vh__open(&ld, cfg, path ? path : "vhost.ini", path != NULL, cwd)) < 0 ||
	    (rc = vh__set_defaults(cfg)) < 0)
		goto done;

	ld.env = ov->env && *ov->env ? ov->env : vh__getenv("VHOST_ENV");
	if (ld.env && !ld.fp) {
		rc = vh_error_set(VH_ERR_USAGE, "no environment '%s': no config file was read "
				  "(name one with -c or VHOST_CONFIG)", ld.env);
		goto done;
	}
	if (ld.fp) {
		if (!(ld.keywords = PQconndefaults())) {
			rc = vh__nomem();
			goto done;
		}
		if ((rc = vh__read_file(&ld)) < 0)
			goto done;
	}

	/* --dsn wins over VHOST_DATABASE_URL; either replaces only the dsn */
	url = vh__getenv("VHOST_DATABASE_URL");
	if ((ov->dsn && (rc = vh_conninfo_set_dsn(&cfg->conn, ov->dsn, "--dsn")) < 0) ||
	    (!ov->dsn && url && (rc = vh_conninfo_set_dsn(&cfg->conn, url, "VHOST_DATABASE_URL")) < 0) ||
	    (ov->plugin_dir && (rc = vh__set_key(cfg, "plugin_dir", ov->plugin_dir,
						  "--plugin-dir", cwd)) < 0) ||
	    (ov->schema && (rc = vh__set_key(cfg, "schema", ov->schema, "--schema", cwd)) < 0))
		goto done;
	if ((!cfg->version_table_schema && (rc = vh__replace(&cfg->version_table_schema,
							      cfg->schema)) < 0) ||
	    (ld.env && (rc = vh__replace(&cfg->env_name, ld.env)) < 0))
		goto done;
	*out = cfg;
	cfg = NULL;
	rc = 0;
done:
	if (ld.fp)
		fclose(ld.fp);
	PQconninfoFree(ld.keywords);
	free(ld.envs);
	free(cwd);
	vh_config_free(ld.scratch);
	vh_config_free(cfg);
	return rc;
}

#define VH__CFG_FREE_STR(n) free(cfg->n);
#define VH__CFG_FREE_PATH(n) free(cfg->n);
#define VH__CFG_FREE_BOOL(n)
#define VH__CFG_FREE_INT(n)
#define VH__CFG_FREE_MS(n)
#define VH__CFG_FREE(name, type, def) VH__CFG_FREE_##type(name)

void vh_config_free(vh_config *cfg)
{
	if (!cfg)
		return;
	vh_conninfo_clear(&cfg->conn);
	free(cfg->path);
	free(cfg->dir);
	free(cfg->env_name);
	VH_CONFIG_KEYS(VH__CFG_FREE)
	free(cfg);
}

char *vh_config_describe_conn(const vh_config *cfg)
{
	return vh_conninfo_describe(&cfg->conn);
}
