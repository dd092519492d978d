/* vh_model_run.h - running autogenerate's model in its scratch schema, the
 * statements that must name the schema pointed at the scratch one
 * (vh_model_run.c says which and why). Private to host/schema. */
#ifndef VH_MODEL_RUN_H
#define VH_MODEL_RUN_H

#include <libpq-fe.h>

#include "vh_model.h"

/* What a model states about its schema itself, compared only then. */
#define VH_MODEL_SCHEMA_ACL 1u     /* GRANT or REVOKE ON SCHEMA */
#define VH_MODEL_SCHEMA_COMMENT 2u /* COMMENT ON SCHEMA */

/* Runs the model's text over `conn`, inside the transaction the caller
 * opened with search_path on `scratch`: as written, except that GRANT and
 * REVOKE on the schema `target` itself, GRANT ... ON ALL ... IN SCHEMA
 * `target`, ALTER DEFAULT PRIVILEGES IN SCHEMA `target` and COMMENT ON
 * SCHEMA `target` run against `scratch`. *said gets VH_MODEL_SCHEMA_* for
 * what the model states about the schema itself.
 *
 * Errors (VH_ERR_GENERIC, "model FILE:LINE: ..."): a statement fails; one
 * of those statements names another schema, or ALTER DEFAULT PRIVILEGES
 * names none; the model changed the privileges of a schema other than the
 * scratch one, or default privileges outside it, some way vhost could not
 * point at the scratch schema (a DO block). Returns 0 without looking
 * further when the model ended the transaction: the caller checks
 * PQtransactionStatus. VH_ERR_NOMEM, VH_ERR_DB as usual. */
int vh_model_run(PGconn *conn, const vh_model *m, const char *path, const char *target,
		 const char *scratch, unsigned *said);

#endif
