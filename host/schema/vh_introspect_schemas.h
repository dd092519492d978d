/* vh_introspect_schemas.h - other schemas a model creates, added to both
 * sides of autogenerate as VH_IOBJ_SCHEMA objects (vh_introspect_schemas.c
 * says which). Private to host/schema. */
#ifndef VH_INTROSPECT_SCHEMAS_H
#define VH_INTROSPECT_SCHEMAS_H

#include <stddef.h>

#include <libpq-fe.h>

#include "vh_introspect.h"

/* Every schema of the database with its comment, read before the model
 * runs; *out is the caller's. Errors: VH_ERR_DB. */
int vh_schemas_before(PGresult **out, PGconn *conn);

/* After the model: the schemas it created (other than `scratch` and
 * `target`) or named in `named` (CREATE SCHEMA IF NOT EXISTS notices) added
 * to `want`, and those of them `before` holds to `db`. Errors: VH_ERR_DB,
 * VH_ERR_NOMEM. */
int vh_schemas_add(vh_ischema *db, vh_ischema *want, PGconn *conn, const PGresult *before,
		   const char *scratch, const char *target, char *const *named, size_t nnamed);

#endif
