/* vh_config_value.h - checking and storing one setting's value
 * (vh_config_value.c), shared by the settings file reader
 * (vh_config_file.c) and the layering of flags and environment
 * (vh_config_load.c). Private to host/base. */
#ifndef VH_CONFIG_VALUE_H
#define VH_CONFIG_VALUE_H

#include "vh_config.h"

/* The out-of-memory error of configuration loading: sets the message and
 * returns VH_ERR_NOMEM. */
int vh_config__nomem(void);

/* Replaces *field with a copy of value, or NULL for an empty value.
 * Returns 0 or VH_ERR_NOMEM. */
int vh_config__replace(char **field, const char *value);

/* Makes `rel` absolute against the absolute `base` and drops ".", ".." and
 * doubled slashes lexically, like Python's os.path.abspath (symlinks are
 * kept), so paths in messages read cleanly. Returns a new string the caller
 * frees, or NULL when out of memory. */
char *vh_config__abspath(const char *base, const char *rel);

/* Sets [vhost] key `key`: 0, VH_ERR_USAGE for a bad value ("<where>: bad
 * value ..."), or VH_ERR_NOTFOUND (no message) when there is no such key.
 * Relative paths resolve against `dir`. */
int vh_config__set_key(vh_config *cfg, const char *key, const char *value,
		       const char *where, const char *dir);

/* The defaults of VH_CONFIG_KEYS, relative paths against cfg->dir. */
int vh_config__set_defaults(vh_config *cfg);

#endif
