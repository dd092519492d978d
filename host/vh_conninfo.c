/* vh_conninfo.c - the [database] settings: checking a dsn, keeping libpq
 * keywords, and describing the connection for messages with every password
 * masked. Split from vh_config.c, which reads the file. */
#include "vh_conninfo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#include "vh_error.h"

int vh_conninfo_is_uri(const char *s)
{
	return strncmp(s, "postgresql://", 13) == 0 || strncmp(s, "postgres://", 11) == 0;
}

/* Whether libpq's message about `s` could quote a password: it quotes the
 * fragment it stumbled on. Errs on the side of yes. */
static int vh__may_hold_password(const char *s)
{
	return strcasestr(s, "password") ||
	       (vh_conninfo_is_uri(s) && (strchr(s, '@') || strchr(s, '%')));
}

/* Checks and sets the dsn: a conninfo string or URI that libpq can parse, or
 * a bare database name (libpq expands only values with '=' or a URI
 * prefix). Empty unsets it. libpq's message is carried unless it might
 * quote a password. */
int vh_conninfo_set_dsn(vh_config *cfg, const char *value, const char *where)
{
	PQconninfoOption *opts;
	char *err = NULL;
	size_t n;

	if (!vh_conninfo_is_uri(value) && !strchr(value, '='))
		return vh_config__replace(&cfg->dsn, value);
	if ((opts = PQconninfoParse(value, &err))) {
		PQconninfoFree(opts);
		return vh_config__replace(&cfg->dsn, value);
	}
	if (!err)
		return vh_config__nomem();
	n = strlen(err);
	while (n && (err[n - 1] == '\n' || err[n - 1] == ' '))
		n--;
	if (vh__may_hold_password(value))
		vh_error_set(VH_ERR_USAGE, "%s: bad value for dsn: libpq cannot parse it "
			     "(its message is withheld: it may quote the password)", where);
	else
		vh_error_set(VH_ERR_USAGE, "%s: bad value for dsn: %.*s", where, (int)n, err);
	PQfreemem(err);
	return VH_ERR_USAGE;
}

/* Sets libpq keyword `key`, replacing an earlier value; an empty value
 * removes it, so libpq's default applies again. */
int vh_conninfo_set(vh_config *cfg, const char *key, const char *value)
{
	size_t i, n = cfg->nconn;
	char **keys, **vals, *v;

	for (i = 0; i < n && strcmp(cfg->conn_keys[i], key); i++)
		;
	if (!*value) {
		if (i < n) {
			free(cfg->conn_keys[i]);
			free(cfg->conn_vals[i]);
			/* moves the NULL terminator down too */
			memmove(cfg->conn_keys + i, cfg->conn_keys + i + 1, (n - i) * sizeof(char *));
			memmove(cfg->conn_vals + i, cfg->conn_vals + i + 1, (n - i) * sizeof(char *));
			cfg->nconn--;
		}
		return 0;
	}
	if (i < n)
		return vh_config__replace(&cfg->conn_vals[i], value);
	if (!(keys = realloc(cfg->conn_keys, (n + 2) * sizeof(char *))))
		return vh_config__nomem();
	cfg->conn_keys = keys;
	keys[n] = NULL;
	if (!(vals = realloc(cfg->conn_vals, (n + 2) * sizeof(char *))))
		return vh_config__nomem();
	cfg->conn_vals = vals;
	vals[n] = NULL;
	if (!(v = strdup(value)) || !(keys[n] = strdup(key))) {
		free(v);
		return vh_config__nomem();
	}
	vals[n] = v;
	keys[n + 1] = vals[n + 1] = NULL;
	cfg->nconn++;
	return 0;
}

/* ---- describing the connection, password masked ------------------------- */

/* Writes `uri` with its password (user:PASSWORD@, or a password=... query
 * parameter; any %-encoded parameter name, to be safe) replaced by ***. The
 * user part ends at '@' or '/', as libpq scans it. */
static void vh__put_uri(FILE *out, const char *uri)
{
	const char *p = strstr(uri, "://") + 3, *end, *colon, *eq;

	end = p + strcspn(p, "@/");
	if (*end == '@') {
		if ((colon = memchr(p, ':', (size_t)(end - p)))) {
			fprintf(out, "%.*s***", (int)(colon + 1 - uri), uri);
			uri = end;
		}
		p = end; /* the query starts after the user part */
	}
	if (!(p = strchr(p, '?'))) {
		fputs(uri, out);
		return;
	}
	fprintf(out, "%.*s", (int)(++p - uri), uri);
	for (;; p = end + 1) {
		end = p + strcspn(p, "&");
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq && ((eq - p == 8 && strncmp(p, "password", 8) == 0) ||
			   memchr(p, '%', (size_t)(eq - p))))
			fprintf(out, "%.*s***", (int)(eq + 1 - p), p);
		else
			fprintf(out, "%.*s", (int)(end - p), p);
		if (!*end)
			break;
		fputc('&', out);
	}
}

static void vh__put_kv(FILE *out, const char *key, const char *val);

/* A dbname holding '=' is a connection string of its own: libpq expands the
 * first dbname it is given, and even unexpanded its text may carry a
 * password. Returns it rebuilt from libpq's reading with the password
 * masked (the caller frees), or NULL when it does not parse or memory runs
 * out; the caller then shows "***" rather than the raw text. Found by
 * tests/fuzz/fuzz_config.c. */
static char *vh__nested_conninfo(const char *val)
{
	PQconninfoOption *opts, *o;
	char *s = NULL;
	size_t n;
	FILE *m;

	if (!(opts = PQconninfoParse(val, NULL)))
		return NULL;
	if ((m = open_memstream(&s, &n))) {
		for (o = opts; o->keyword; o++)
			if (o->val)
				vh__put_kv(m, o->keyword, o->val);
		if (fclose(m) != 0) {
			free(s);
			s = NULL;
		}
	}
	PQconninfoFree(opts);
	return s;
}

/* Writes [" "]key=value in conninfo syntax, quoted where needed, with a
 * password, or one inside a URI or a conninfo-like dbname, masked. */
static void vh__put_kv(FILE *out, const char *key, const char *val)
{
	char *masked = NULL;
	size_t n;
	FILE *m;

	fprintf(out, "%s%s=", ftell(out) > 0 ? " " : "", key);
	if (strcmp(key, "password") == 0)
		val = "***";
	if (strcmp(key, "dbname") == 0 && strchr(val, '=') && !vh_conninfo_is_uri(val)) {
		masked = vh__nested_conninfo(val);
		val = masked ? masked : "***";
	} else if (vh_conninfo_is_uri(val)) {
		if ((m = open_memstream(&masked, &n))) {
			vh__put_uri(m, val);
			if (fclose(m) != 0) {
				free(masked);
				masked = NULL;
			}
		}
		val = masked ? masked : "***"; /* out of memory: never the raw URI */
	}
	if (!*val || strpbrk(val, " \t\n'\\")) {
		fputc('\'', out);
		for (; *val; val++)
			fprintf(out, "%s%c", *val == '\'' || *val == '\\' ? "\\" : "", *val);
		fputc('\'', out);
	} else {
		fputs(val, out);
	}
	free(masked);
}

char *vh_config_describe_conn(const vh_config *cfg)
{
	PQconninfoOption *opts, *o;
	char *s = NULL;
	size_t i, n;
	FILE *out;
	int bad;

	if (!(out = open_memstream(&s, &n)))
		return NULL;
	if (cfg->dsn && *cfg->dsn) {
		if (vh_conninfo_is_uri(cfg->dsn)) {
			vh__put_uri(out, cfg->dsn);
		} else if (!strchr(cfg->dsn, '=')) {
			vh__put_kv(out, "dbname", cfg->dsn);
		} else if ((opts = PQconninfoParse(cfg->dsn, NULL))) {
			/* rebuilt from libpq's reading, so quoting cannot hide a
			 * password from the mask */
			for (o = opts; o->keyword; o++)
				if (o->val)
					vh__put_kv(out, o->keyword, o->val);
			PQconninfoFree(opts);
		} else {
			fputs("(an unparsable connection string)", out);
		}
	}
	for (i = 0; i < cfg->nconn; i++)
		vh__put_kv(out, cfg->conn_keys[i], cfg->conn_vals[i]);
	bad = ferror(out);
	if (fclose(out) != 0 || bad) {
		free(s);
		return NULL;
	}
	return s;
}
