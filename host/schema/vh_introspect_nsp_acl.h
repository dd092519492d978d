/* vh_introspect_nsp_acl.h - the privileges on a schema itself and its
 * default privileges, added to a schema read by vh_introspect
 * (vh_introspect_nsp_acl.c says how). Private to host/schema. */
#ifndef VH_INTROSPECT_NSP_ACL_H
#define VH_INTROSPECT_NSP_ACL_H

#include <libpq-fe.h>

#include "vh_introspect.h"

/* Appends to `s` the default privileges of `schema` and, when `said`
 * (VH_MODEL_SCHEMA_*) says the model states them, the privileges granted
 * on it (VH_IOBJ_GRANT objects, "what" SCHEMA or DEFAULT) and its comment
 * (a VH_IOBJ_SETTING, "what" SCHEMA), named under the schema name `shown`
 * (quoted as needed) whichever schema was read, their SQL holding %I for
 * the schema. Errors: VH_ERR_DB, VH_ERR_NOMEM. */
int vh_nsp_acl_add(vh_ischema *s, PGconn *conn, const char *schema, const char *shown,
		   unsigned said);

#endif
