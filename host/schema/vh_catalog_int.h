/* vh_catalog_int.h - the catalog queries (vh_catalog_sql.c) shared with
 * the snapshot code (vh_catalog.c). Private to host/schema. */
#ifndef VH_CATALOG_INT_H
#define VH_CATALOG_INT_H

#include <stddef.h>

/* (kind, name, def) queries over $1 = the schema and, when they mention
 * it, $2 = the excluded table names (text[]). */
extern const char *const vh_catalog_sql[];
extern const size_t vh_catalog_nsql;

#endif
