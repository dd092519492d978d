/* vh_config_file.c - reading conf/vhost.ini with inih: a prescan for what
 * inih cannot report (lines too long for it, bad section names), then
 * [vhost] and [database] (every environment's values checked), then the
 * selected [env.NAME] on top. Errors name the file and line. */
#include "vh_config_file.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <ini.h>

#include "vh_config_value.h"
#include "vh_conninfo.h"
#include "vh_error.h"

/* inih reads with fgets(buf, INI_MAX_LINE): a line, newline included, must
 * fit in INI_MAX_LINE - 1 bytes, or inih cuts it and parses the rest as a
 * line of its own. */
#define VH__LINE_MAX (INI_MAX_LINE - 1)
#define VH__ENV_NAME_MAX 40 /* inih keeps only 49 bytes of a section name */

/* ---- connection settings ---------------------------------------------- */

/* Whether `key` belongs in [database]: `dsn` or a libpq keyword. */
static int vh__is_db_key(const vh_config__reader *ld, const char *key)
{
	const PQconninfoOption *o;

	if (strcmp(key, "dsn") == 0)
		return 1;
	for (o = ld->keywords; o && o->keyword; o++)
		if (strcmp(o->keyword, key) == 0)
			return 1;
	return 0;
}

/* Sets a [database] key; VH_ERR_NOTFOUND (no message) for any other key.
 * The selected [env.NAME]'s first connection key replaces the whole of
 * [database]'s setting, so a keyword only the file names never leaks into
 * the environment's connection. */
static int vh__set_db(vh_config__reader *ld, vh_config *cfg, const char *key,
		      const char *value, const char *where)
{
	char *src = NULL;
	int rc;

	if (!vh__is_db_key(ld, key))
		return VH_ERR_NOTFOUND;
	if (cfg == ld->cfg && !ld->conn_level) {
		ld->conn_level = ld->pass;
		if (ld->pass == 2 && (rc = vh_conninfo_reset(&cfg->conn)) < 0)
			return rc;
		if (asprintf(&src, "[%s%s] in %s", ld->pass == 2 ? "env." : "database",
			     ld->pass == 2 ? ld->env : "", ld->path) < 0)
			return vh_config__nomem();
		free(cfg->conn_source);
		cfg->conn_source = src;
	}
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
static int vh__check_section(vh_config__reader *ld, const char *name, const char *where)
{
	const char *env = name + 4, *p;
	size_t n;
	char *list;

	if (strcmp(name, "vhost") == 0 || strcmp(name, "database") == 0 ||
	    strncmp(name, "fleet.", 6) == 0) /* read by host/fleet when --fleet names it */
		return 0;
	if (strncmp(name, "env.", 4) != 0)
		return vh_error_set(VH_ERR_USAGE, "%s: unknown section [%s] (expected [vhost], "
				    "[database], [env.NAME] or [fleet.NAME])", where, name);
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
		return vh_config__nomem();
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
static int vh__prescan(vh_config__reader *ld)
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
	vh_config__reader *ld = stream;

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
	vh_config__reader *ld = user;
	vh_config *target = ld->cfg;
	int is_env = strncmp(section, "env.", 4) == 0, rc = VH_ERR_NOTFOUND;
	char where[4200];

	if (ld->err_line || strncmp(section, "fleet.", 6) == 0)
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
		rc = vh_config__set_key(target, key, value, where, ld->cfg->dir);
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
static int vh__parse(vh_config__reader *ld, int pass)
{
	int line;

	rewind(ld->fp);
	ld->pass = pass;
	ld->conn_level = 0;
	ld->lineno = 0;
	ld->err_line = 0;
	line = ini_parse_stream(vh__read_line, ld, vh__handler, ld);
	if (line == 0)
		return 0;
	if (line < 0)
		return vh_config__nomem();
	if (line == ld->err_line)
		return ld->err;
	return vh_error_set(VH_ERR_USAGE, "%s:%d: malformed line (expected key = value or [section])",
			    ld->path, line);
}

/* Reads the open file into ld->cfg: prescan, pass 1, the environment's
 * presence, pass 2. Problems are reported in file order. */
int vh_config__read_file(vh_config__reader *ld)
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
int vh_config__open(vh_config__reader *ld, vh_config *cfg, const char *path, int explicit,
		    const char *cwd)
{
	struct stat st;
	char *slash;

	if (!(ld->fp = fopen(path, "r"))) {
		if (!explicit && errno == ENOENT)
			return vh_config__replace(&cfg->dir, cwd);
		return vh_error_set(VH_ERR_USAGE, "%s: cannot open config file: %s", path,
				    strerror(errno));
	}
	if (fstat(fileno(ld->fp), &st) == 0 && S_ISDIR(st.st_mode))
		return vh_error_set(VH_ERR_USAGE, "%s: cannot open config file: %s", path,
				    strerror(EISDIR));
	if (!(cfg->path = strdup(path)) || !(cfg->dir = vh_config__abspath(cwd, path)))
		return vh_config__nomem();
	slash = strrchr(cfg->dir, '/');
	slash[slash == cfg->dir] = '\0'; /* keep "/" for a file at the root */
	ld->path = cfg->path;
	return 0;
}

