/* vh_conninfo.h - a connection setting: a dsn (conninfo string or URI) plus
 * individual libpq keywords, checked, kept and described with passwords
 * masked (vh_conninfo.c). A leaf: the settings (vh_config.h) embed one. */
#ifndef VH_CONNINFO_H
#define VH_CONNINFO_H

#include <stddef.h>

/* `dsn`, then individual libpq keywords, which win over the same keyword
 * inside the dsn. Empty everything means libpq's defaults (PG* variables,
 * service file, .pgpass). */
typedef struct vh_conninfo {
	char *dsn;
	char **keys; /* NULL-terminated, parallel to vals; never NULL after init */
	char **vals;
	size_t n;
} vh_conninfo;

/* Makes an empty setting. Returns 0 or VH_ERR_NOMEM. */
int vh_conninfo_init(vh_conninfo *ci);

/* Frees what the setting holds and leaves it zeroed; NULL does nothing. */
void vh_conninfo_clear(vh_conninfo *ci);

/* 1 when `s` starts with postgresql:// or postgres://. */
int vh_conninfo_is_uri(const char *s);

/* Checks and sets ci->dsn: a conninfo string or URI libpq can parse, or a
 * bare database name; empty unsets it. Errors (VH_ERR_USAGE) are prefixed
 * with `where` ("conf/vhost.ini:12") and never quote a password. */
int vh_conninfo_set_dsn(vh_conninfo *ci, const char *value, const char *where);

/* Empties the setting (dsn and every keyword): a higher level of the
 * settings replaces the whole connection setting of the lower ones, never
 * just the keys it names. Returns 0 or VH_ERR_NOMEM. */
int vh_conninfo_reset(vh_conninfo *ci);

/* Sets libpq keyword `key` in ci->keys/vals, replacing an earlier value; an
 * empty value removes it so libpq's default applies again.
 * Returns 0 or VH_ERR_NOMEM. */
int vh_conninfo_set(vh_conninfo *ci, const char *key, const char *value);

/* The connection string/URI with any password replaced by "***", for
 * messages: the dsn (a URI keeps its form, postgresql://user:***@host/db;
 * a key=value string is rewritten as libpq parsed it, password=***), then
 * each individual keyword as key=value. "" when nothing is set (libpq's
 * defaults). Returns NULL only when out of memory; caller frees with free(). */
char *vh_conninfo_describe(const vh_conninfo *ci);

#endif
