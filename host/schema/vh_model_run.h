/* vh_model_run.h - running autogenerate's model in its scratch schema, the
 * statements that must name the schema pointed at the scratch one
 * (vh_model_run.c says which and why). Private to host/schema. */
#ifndef VH_MODEL_RUN_H
#define VH_MODEL_RUN_H

#include <libpq-fe.h>

#include "vh_model.h"

/* Runs the model's text over `conn`, inside the transaction the caller
 * opened with search_path on `scratch`: as written, except that GRANT and
 * REVOKE on the schema `target` itself, GRANT ... ON ALL ... IN SCHEMA
 * `target` and ALTER DEFAULT PRIVILEGES IN SCHEMA `target` run against
 * `scratch`. *schema_acl is set to 1 when the model grants or revokes on
 * the schema itself (its privileges are then compared), else 0.
 *
 * Errors (VH_ERR_GENERIC, "model FILE:LINE: ..."): a statement fails; one
 * of those statements names another schema, or ALTER DEFAULT PRIVILEGES
 * names none; the model changed the privileges of a schema other than the
 * scratch one, or default privileges outside it, some way vhost could not
 * point at the scratch schema (a DO block). Returns 0 without looking
 * further when the model ended the transaction: the caller checks
 * PQtransactionStatus. VH_ERR_NOMEM, VH_ERR_DB as usual. */
int vh_model_run(PGconn *conn, const vh_model *m, const char *path, const char *target,
		 const char *scratch, int *schema_acl);

#endif
