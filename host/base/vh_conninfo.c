/* vh_conninfo.c - the [database] settings: checking a dsn, keeping libpq
 * keywords, and describing the connection for messages with every password
 * masked. The settings (vh_config.h) embed one. */
#include "vh_conninfo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#include "vh_error.h"

/* The out-of-memory error of configuration loading (vh_config_value.c says the
 * same). */
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

int vh_conninfo_init(vh_conninfo *ci)
{
	memset(ci, 0, sizeof(*ci));
	if (!(ci->keys = calloc(1, sizeof(char *))) || !(ci->vals = calloc(1, sizeof(char *)))) {
		vh_conninfo_clear(ci);
		return vh__nomem();
	}
	return 0;
}

int vh_conninfo_reset(vh_conninfo *ci)
{
	vh_conninfo_clear(ci);
	return vh_conninfo_init(ci);
}

void vh_conninfo_clear(vh_conninfo *ci)
{
	size_t i;

	if (!ci)
		return;
	for (i = 0; i < ci->n; i++) {
		free(ci->keys[i]);
		free(ci->vals[i]);
	}
	free(ci->keys);
	free(ci->vals);
	free(ci->dsn);
	memset(ci, 0, sizeof(*ci));
}

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
int vh_conninfo_set_dsn(vh_conninfo *cfg, const char *value, const char *where)
{
	PQconninfoOption *opts;
	char *err = NULL;
	size_t n;

	if (!vh_conninfo_is_uri(value) && !strchr(value, '='))
		return vh__replace(&cfg->dsn, value);
	if ((opts = PQconninfoParse(value, &err))) {
		PQconninfoFree(opts);
		return vh__replace(&cfg->dsn, value);
	}
	if (!err)
		return vh__nomem();
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
int vh_conninfo_set(vh_conninfo *cfg, const char *key, const char *value)
{
	size_t i, n = cfg->n;
	char **keys, **vals, *v;

	for (i = 0; i < n && strcmp(cfg->keys[i], key); i++)
		;
	if (!*value) {
		if (i < n) {
			free(cfg->keys[i]);
			free(cfg->vals[i]);
			/* moves the NULL terminator down too */
			memmove(cfg->keys + i, cfg->keys + i + 1, (n - i) * sizeof(char *));
			memmove(cfg->vals + i, cfg->vals + i + 1, (n - i) * sizeof(char *));
			cfg->n--;
		}
		return 0;
	}
	if (i < n)
		return vh__replace(&cfg->vals[i], value);
	if (!(keys = realloc(cfg->keys, (n + 2) * sizeof(char *))))
		return vh__nomem();
	cfg->keys = keys;
	keys[n] = NULL;
	if (!(vals = realloc(cfg->vals, (n + 2) * sizeof(char *))))
		return vh__nomem();
	cfg->vals = vals;
	vals[n] = NULL;
	if (!(v = strdup(value)) || !(keys[n] = strdup(key))) {
		free(v);
		return vh__nomem();
	}
	vals[n] = v;
	keys[n + 1] = vals[n + 1] = NULL;
	cfg->n++;
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

char *vh_conninfo_describe(const vh_conninfo *cfg)
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
	for (i = 0; i < cfg->n; i++)
		vh__put_kv(out, cfg->keys[i], cfg->vals[i]);
	bad = ferror(out);
	if (fclose(out) != 0 || bad) {
		free(s);
		return NULL;
	}
	return s;
}
