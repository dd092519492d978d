/* vh_conninfo.h - the [database] part of the settings (vh_conninfo.c). */
#ifndef VH_CONNINFO_H
#define VH_CONNINFO_H

#include "vh_config.h"

/* 1 when `s` starts with postgresql:// or postgres://. */
int vh_conninfo_is_uri(const char *s);

/* Checks and sets cfg->dsn: a conninfo string or URI libpq can parse, or a
 * bare database name; empty unsets it. Errors (VH_ERR_USAGE) are prefixed
 * with `where` ("conf/vhost.ini:12") and never quote a password. */
int vh_conninfo_set_dsn(vh_config *cfg, const char *value, const char *where);

/* Sets libpq keyword `key` in cfg->conn_keys/conn_vals, replacing an earlier
 * value; an empty value removes it so libpq's default applies again.
 * Returns 0 or VH_ERR_NOMEM. */
int vh_conninfo_set(vh_config *cfg, const char *key, const char *value);

/* Shared with vh_config.c: the out-of-memory error of configuration
 * loading, and replacing a string setting with a copy (NULL for ""). */
int vh_config__nomem(void);
int vh_config__replace(char **field, const char *value);

#endif
