/* vh_fleet_config.c - the [fleet.NAME] section of the settings and the
 * targets it names: the lines of targets_file, or the schemas that
 * schemas_query returns in one database. Kept apart from vh_config.c, which
 * only lets [fleet.*] sections through; this file reads them when --fleet
 * asks for one. */
#include "vh_fleet.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>
#include <libpq-fe.h>

#include "vh_conninfo.h"
#include "vh_db.h"
#include "vh_error.h"

#define VH__IDENT_MAX 63

/* The section as read. */
typedef struct fleet_ini {
	FILE *fp;
	const char *path;
	const char *want;    /* "fleet.NAME" */
	int lineno, found, err;
	char *names;         /* fleets defined, ", "-separated */
	char *targets_file, *dsn, *query, *vschema;
	int jobs;
} fleet_ini;

static int nomem(void)
{
	return vh_error_set(VH_ERR_NOMEM, "out of memory reading the fleet");
}

static char *read_line(char *str, int num, void *stream)
{
	fleet_ini *fi = stream;

	if (!fgets(str, num, fi->fp))
		return NULL;
	fi->lineno++;
	return str;
}

static int set_str(char **field, const char *value)
{
	free(*field);
	*field = value && *value ? strdup(value) : NULL;
	return value && *value && !*field ? nomem() : 0;
}

/* Whether `name` is an item of the ", "-separated `list` (NULL: empty). */
static int listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = list; p && (p = strstr(p, name)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ',' || !p[n]))
			return 1;
	return 0;
}

static int handler(void *user, const char *section, const char *key, const char *value)
{
	fleet_ini *fi = user;
	char *end;
	long v;

	if (fi->err)
		return 1;
	if (strncmp(section, "fleet.", 6) == 0 && !listed(fi->names, section + 6)) {
		char *list;

		if (asprintf(&list, "%s%s%s", fi->names ? fi->names : "", fi->names ? ", " : "",
			     section + 6) < 0)
			return fi->err = nomem(), 1;
		free(fi->names);
		fi->names = list;
	}
	if (strcmp(section, fi->want) != 0)
		return 1;
	fi->found = 1;
	if (strcmp(key, "targets_file") == 0) {
		fi->err = set_str(&fi->targets_file, value);
	} else if (strcmp(key, "dsn") == 0) {
		fi->err = set_str(&fi->dsn, value);
	} else if (strcmp(key, "schemas_query") == 0) {
		fi->err = set_str(&fi->query, value);
	} else if (strcmp(key, "version_table_schema") == 0) {
		fi->err = set_str(&fi->vschema, value);
	} else if (strcmp(key, "jobs") == 0) {
		errno = 0;
		v = strtol(value, &end, 10);
		if (!isdigit((unsigned char)*value) || *end || errno || v < 1 || v > 1000)
			fi->err = vh_error_set(VH_ERR_USAGE, "%s:%d: bad value '%s' for jobs (expected "
					       "a whole number from 1 to 1000)", fi->path, fi->lineno, value);
		else
			fi->jobs = (int)v;
	} else {
		fi->err = vh_error_set(VH_ERR_USAGE, "%s:%d: unknown key '%s' in section [%s] (expected "
				       "targets_file, dsn, schemas_query, jobs or version_table_schema)",
				       fi->path, fi->lineno, key, section);
	}
	return 1;
}

/* host[:port]/db from a conninfo (NULL: the [database] settings), for
 * names, and the identity --shard hashes. Unset parts are left out of the
 * name; a socket directory is not much of a host name and is left out too. */
static int describe_db(const vh_config *cfg, const char *dsn, char **name, char **ident)
{
	PQconninfoOption *opts = NULL, *o;
	const char *host = NULL, *port = NULL, *db = NULL;
	size_t i;
	int n;

	if (dsn && !(opts = PQconninfoParse(dsn, NULL)))
		return nomem();
	for (o = opts; o && o->keyword; o++) {
		if (!o->val || !*o->val)
			continue;
		if (!strcmp(o->keyword, "host"))
			host = o->val;
		else if (!strcmp(o->keyword, "port"))
			port = o->val;
		else if (!strcmp(o->keyword, "dbname"))
			db = o->val;
	}
	for (i = 0; !dsn && i < cfg->conn.n; i++) {
		if (!strcmp(cfg->conn.keys[i], "host"))
			host = cfg->conn.vals[i];
		else if (!strcmp(cfg->conn.keys[i], "port"))
			port = cfg->conn.vals[i];
		else if (!strcmp(cfg->conn.keys[i], "dbname"))
			db = cfg->conn.vals[i];
	}
	if (!db)
		db = getenv("PGDATABASE");
	n = asprintf(name, "%s%s%s%s%s", host && *host != '/' ? host : "",
		     host && *host != '/' && port ? ":" : "", host && *host != '/' && port ? port : "",
		     host && *host != '/' ? "/" : "", db ? db : "");
	if (n >= 0)
		n = asprintf(ident, "host=%s port=%s dbname=%s", host ? host : "", port ? port : "",
			     db ? db : "");
	PQconninfoFree(opts);
	return n < 0 ? nomem() : 0;
}

/* The version table's schema for target schema `schema`: the section's
 * version_table_schema with {schema} replaced, or the target schema. */
static char *vschema_for(const char *pattern, const char *schema)
{
	const char *at;
	char *out;

	if (!pattern)
		return strdup(schema);
	if (!(at = strstr(pattern, "{schema}")))
		return strdup(pattern);
	if (asprintf(&out, "%.*s%s%s", (int)(at - pattern), pattern, schema, at + 8) < 0)
		return NULL;
	return out;
}

static int check_ident(const char *where, const char *what, const char *s)
{
	if (!*s || strlen(s) > VH__IDENT_MAX)
		return vh_error_set(VH_ERR_USAGE, "%s: bad %s '%s' (expected a name of 1 to 63 bytes)",
				    where, what, s);
	return 0;
}

/* Appends a target; takes `dsn` (may be NULL). */
static int add_target(vh_fleet *f, const vh_config *cfg, const fleet_ini *fi, char *dsn,
		      const char *schema, size_t group, const char *where)
{
	vh_fleet_target *t, *grown;
	char *db = NULL, *dbid = NULL;
	size_t i;
	int rc;

	if ((rc = check_ident(where, "schema", schema)) < 0) {
		free(dsn);
		return rc;
	}
	if (!(f->n & (f->n + 1)) || f->n == 0) {
		if (!(grown = realloc(f->t, (f->n * 2 + 2) * sizeof(*f->t)))) {
			free(dsn);
			return nomem();
		}
		f->t = grown;
	}
	t = &f->t[f->n];
	memset(t, 0, sizeof(*t));
	t->dsn = dsn;
	t->group = group;
	t->ran = -1;
	f->n++;
	if ((rc = describe_db(cfg, dsn, &db, &dbid)) < 0)
		return rc;
	t->schema = strdup(schema);
	t->vschema = vschema_for(fi->vschema, schema);
	rc = asprintf(&t->name, "%s%s%s", db, *db ? "/" : "", schema);
	if (rc >= 0)
		rc = asprintf(&t->ident, "%s schema=%s version_table_schema=%s", dbid, schema,
			      t->vschema ? t->vschema : "");
	free(db);
	free(dbid);
	if (rc < 0 || !t->schema || !t->vschema)
		return nomem();
	if ((rc = check_ident(where, "version_table_schema", t->vschema)) < 0)
		return rc;
	for (i = 0; i + 1 < f->n; i++) {
		if (strcmp(f->t[i].ident, t->ident) == 0)
			return vh_error_set(VH_ERR_USAGE, "%s: target %s is listed twice", where, t->name);
		/* Two tenants on one version table would each see the other's
		 * revision as their own. */
		if (f->t[i].group == group && strcmp(f->t[i].vschema, t->vschema) == 0)
			return vh_error_set(VH_ERR_USAGE, "%s: targets %s and %s would share the version "
					    "table in schema %s (put {schema} in version_table_schema)",
					    where, f->t[i].name, t->name, t->vschema);
	}
	return 0;
}

/* Splits a trailing "schema=NAME" off a targets_file line (in place). */
static const char *split_schema(char *line)
{
	char *sp = strrchr(line, ' '), *tab = strrchr(line, '\t'), *word;

	if (tab > sp)
		sp = tab;
	word = sp ? sp + 1 : line;
	if (strncmp(word, "schema=", 7) != 0)
		return NULL;
	if (sp)
		*sp = '\0';
	else
		*line = '\0';
	return word + 7;
}

static int load_file(vh_fleet *f, const vh_config *cfg, const fleet_ini *fi, const char *path)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, *s, *e, *dsn, where[4200];
	const char *schema;
	size_t cap = 0, i, group;
	int lineno = 0, rc = 0;
	vh_conninfo ci;

	if (!fp)
		return vh_error_set(VH_ERR_USAGE, "%s: cannot open targets_file of fleet '%s': %s",
				    path, f->name, strerror(errno));
	while (rc == 0 && getline(&line, &cap, fp) > 0) {
		snprintf(where, sizeof(where), "%s:%d", path, ++lineno);
		if ((e = strchr(line, '#')))
			*e = '\0';
		for (s = line; isspace((unsigned char)*s); s++)
			;
		for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]);)
			*--e = '\0';
		if (!*s)
			continue;
		schema = split_schema(s);
		for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]);)
			*--e = '\0';
		if (!*s) {
			rc = vh_error_set(VH_ERR_USAGE, "%s: a target needs a conninfo or URI before "
					  "schema=", where);
			break;
		}
		/* Checked as [database]'s dsn is: libpq must parse it, and a
		 * message never quotes a password. */
		if ((rc = vh_conninfo_init(&ci)) < 0)
			break;
		rc = vh_conninfo_set_dsn(&ci, s, where);
		vh_conninfo_clear(&ci);
		if (rc < 0)
			break;
		for (i = 0, group = f->n; i < f->n; i++)
			if (f->t[i].dsn && strcmp(f->t[i].dsn, s) == 0) {
				group = f->t[i].group;
				break;
			}
		if (!(dsn = strdup(s))) {
			rc = nomem();
			break;
		}
		rc = add_target(f, cfg, fi, dsn, schema ? schema : cfg->schema, group, where);
	}
	free(line);
	fclose(fp);
	if (rc == 0 && f->n == 0)
		rc = vh_error_set(VH_ERR_USAGE, "%s: no targets in the targets_file of fleet '%s'", path,
				  f->name);
	return rc;
}

static int load_query(vh_fleet *f, const vh_config *cfg, const fleet_ini *fi)
{
	vh_config tmp = *cfg;
	PGconn *conn = NULL;
	PGresult *res = NULL;
	char what[200];
	int rc, i;

	/* Only the connection differs from the app's. */
	if ((rc = vh_conninfo_init(&tmp.conn)) < 0)
		return rc;
	if (fi->dsn && (rc = vh_conninfo_set_dsn(&tmp.conn, fi->dsn, "dsn of the fleet")) < 0)
		goto done;
	if ((rc = vh_db_connect(&conn, fi->dsn ? &tmp : cfg)) < 0)
		goto done;
	snprintf(what, sizeof(what), "running schemas_query of fleet '%s'", f->name);
	if ((rc = vh_db_query(&res, conn, what, fi->query, 0, NULL)) < 0)
		goto done;
	if (PQnfields(res) < 1) {
		rc = vh_error_set(VH_ERR_USAGE, "schemas_query of fleet '%s' returns no column (expected "
				  "the schema name in the first)", f->name);
		goto done;
	}
	for (i = 0; i < PQntuples(res) && rc == 0; i++) {
		char *dsn = fi->dsn ? strdup(fi->dsn) : NULL;

		if (fi->dsn && !dsn) {
			rc = nomem();
			break;
		}
		if (PQgetisnull(res, i, 0)) {
			free(dsn);
			continue;
		}
		rc = add_target(f, cfg, fi, dsn, PQgetvalue(res, i, 0), 0, "schemas_query");
	}
	if (rc == 0 && f->n == 0)
		rc = vh_error_set(VH_ERR_USAGE, "schemas_query of fleet '%s' returned no schema", f->name);
done:
	PQclear(res);
	if (rc == 0)
		f->conn = conn; /* for the probe: the same database */
	else if (conn)
		PQfinish(conn);
	vh_conninfo_clear(&tmp.conn);
	return rc;
}

int vh_fleet_load(vh_fleet **out, const vh_config *cfg, const char *name)
{
	fleet_ini fi = {0};
	vh_fleet *f = NULL;
	char *want = NULL, *tf = NULL;
	int rc, line;

	*out = NULL;
	if (!cfg->path)
		return vh_error_set(VH_ERR_USAGE, "no fleet '%s': no config file was read (name one with "
				    "-c or VHOST_CONFIG)", name);
	if (asprintf(&want, "fleet.%s", name) < 0)
		return nomem();
	fi.path = cfg->path;
	fi.want = want;
	fi.jobs = 4;
	if (!(fi.fp = fopen(cfg->path, "r"))) {
		rc = vh_error_set(VH_ERR_USAGE, "%s: cannot open config file: %s", cfg->path,
				  strerror(errno));
		goto done;
	}
	/* vh_config_load has read the file already: its syntax is fine. */
	line = ini_parse_stream(read_line, &fi, handler, &fi);
	if ((rc = fi.err) < 0)
		goto done;
	if (line != 0) {
		rc = line < 0 ? nomem() : vh_error_set(VH_ERR_USAGE, "%s:%d: malformed line", cfg->path, line);
		goto done;
	}
	if (!fi.found) {
		rc = vh_error_set(VH_ERR_USAGE, "%s: no fleet '%s' (defined: %s)", cfg->path, name,
				  fi.names ? fi.names : "none");
		goto done;
	}
	if (!!fi.targets_file == !!fi.query) {
		rc = vh_error_set(VH_ERR_USAGE, "%s: [fleet.%s] needs either targets_file or "
				  "schemas_query (with dsn, else [database])", cfg->path, name);
		goto done;
	}
	if (fi.targets_file && fi.dsn) {
		rc = vh_error_set(VH_ERR_USAGE, "%s: [fleet.%s]: dsn goes with schemas_query; the "
				  "targets_file names each target's connection", cfg->path, name);
		goto done;
	}
	if (!(f = calloc(1, sizeof(*f))) || !(f->name = strdup(name))) {
		rc = nomem();
		goto done;
	}
	f->jobs = fi.jobs;
	if (fi.targets_file) {
		/* relative to the config file, as every path in it is */
		if (fi.targets_file[0] == '/' ? !(tf = strdup(fi.targets_file))
					      : asprintf(&tf, "%s/%s", cfg->dir, fi.targets_file) < 0) {
			rc = nomem();
			goto done;
		}
		rc = load_file(f, cfg, &fi, tf);
	} else {
		rc = load_query(f, cfg, &fi);
	}
	if (rc == 0) {
		*out = f;
		f = NULL;
	}
done:
	if (fi.fp)
		fclose(fi.fp);
	vh_fleet_free(f);
	free(want);
	free(tf);
	free(fi.names);
	free(fi.targets_file);
	free(fi.dsn);
	free(fi.query);
	free(fi.vschema);
	return rc;
}

static void target_clear(vh_fleet_target *t)
{
	free(t->name);
	free(t->ident);
	free(t->dsn);
	free(t->schema);
	free(t->vschema);
	free(t->from);
	free(t->to);
	free(t->error);
	free(t->output);
}

void vh_fleet_free(vh_fleet *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->n; i++)
		target_clear(&f->t[i]);
	if (f->conn)
		PQfinish(f->conn);
	free(f->t);
	free(f->name);
	free(f);
}

/* FNV-1a, 64 bits: small, and the same on every machine of the fleet. */
static unsigned long long hash(const char *s)
{
	unsigned long long h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

void vh_fleet_shard(vh_fleet *f, unsigned k, unsigned n)
{
	size_t i, kept = 0;

	for (i = 0; i < f->n; i++) {
		if (hash(f->t[i].ident) % n == k - 1) {
			vh_fleet_target tmp = f->t[kept];

			f->t[kept++] = f->t[i];
			f->t[i] = tmp;
		}
	}
	for (i = kept; i < f->n; i++)
		target_clear(&f->t[i]);
	f->n = kept;
}

int vh_fleet_parse_shard(const char *s, unsigned *k, unsigned *n)
{
	char *end;
	unsigned long a, b;

	errno = 0;
	a = strtoul(s, &end, 10);
	if (isdigit((unsigned char)*s) && *end == '/' && isdigit((unsigned char)end[1])) {
		b = strtoul(end + 1, &end, 10);
		if (!*end && !errno && a >= 1 && a <= b && b <= 100000) {
			*k = (unsigned)a;
			*n = (unsigned)b;
			return 0;
		}
	}
	return vh_error_set(VH_ERR_USAGE, "--shard: bad value '%s' (expected K/N with 1 <= K <= N, "
			    "such as 2/3)", s);
}
