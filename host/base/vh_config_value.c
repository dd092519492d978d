/* vh_config_value.c - the values of vhost's settings: one setter per type
 * of VH_CONFIG_KEYS (string, path, boolean, integer, duration), each
 * checking its text and naming the key and place at fault, plus the
 * defaults. Used by the file reader and by the flags (vh_config_load.c). */
#include "vh_config_value.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vh_error.h"

#define VH__IDENT_MAX 63 /* PostgreSQL's NAMEDATALEN - 1 */

int vh_config__nomem(void)
{
	return vh_error_set(VH_ERR_NOMEM, "out of memory reading the configuration");
}

/* See vh_config_value.h. */
int vh_config__replace(char **field, const char *value)
{
	char *copy = NULL;

	if (value && *value && !(copy = strdup(value)))
		return vh_config__nomem();
	free(*field);
	*field = copy;
	return 0;
}

/* Makes `rel` absolute against the absolute `base` and drops ".", ".." and
 * doubled slashes lexically, like Python's os.path.abspath (symlinks are
 * kept), so paths in messages read cleanly. Returns a new string, or NULL
 * when out of memory. */
char *vh_config__abspath(const char *base, const char *rel)
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
	return vh_config__replace(field, value);
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
	if (!(abs = vh_config__abspath(dir, value)))
		return vh_config__nomem();
	free(*field);
	*field = abs;
	return 0;
}

/* The index of `value` in the NULL-terminated `words` (any case), or -1. */
static int vh__word(const char *const *words, const char *value)
{
	int i;

	for (i = 0; words[i]; i++)
		if (strcasecmp(value ? value : "", words[i]) == 0)
			return i;
	return -1;
}

static int vh__set_BOOL(int *field, const char *key, const char *def,
			const char *value, const char *where, const char *dir)
{
	static const char *const words[] = {"false", "true", "no", "yes", "off", "on",
		"0", "1", NULL};
	int i = vh__word(words, value);

	(void)def, (void)dir;
	if (i < 0)
		return vh__bad(where, value ? value : "", key,
			       "true or false, yes or no, on or off, 1 or 0");
	*field = i % 2;
	return 0;
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

static int vh__set_POOLER(int *field, const char *key, const char *def,
			  const char *value, const char *where, const char *dir)
{
	static const char *const words[] = {"auto", "none", "transaction", NULL};
	int i = vh__word(words, value);

	(void)def, (void)dir;
	if (i < 0)
		return vh__bad(where, value ? value : "", key, "auto, none or transaction");
	*field = i; /* the VH_POOLER_* values, in this order */
	return 0;
}

/* Sets [vhost] key `key`: 0, VH_ERR_USAGE for a bad value, or
 * VH_ERR_NOTFOUND (no message) when there is no such key. Relative paths
 * resolve against `dir`. */
#define VH__CFG_SET(name, type, def)                                           \
	if (strcmp(key, #name) == 0)                                           \
		return vh__set_##type(&cfg->name, #name, def, value, where, dir);

int vh_config__set_key(vh_config *cfg, const char *key, const char *value,
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
int vh_config__set_defaults(vh_config *cfg)
{
	int rc;

	VH_CONFIG_KEYS(VH__CFG_DEFAULT)
	return 0;
}

