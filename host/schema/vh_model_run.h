/* vh_model_run.h - running autogenerate's model in its scratch schema, the
 * statements that must name the schema pointed at the scratch one
 * (vh_model_run.c says which and why). Private to host/schema. */
#ifndef VH_MODEL_RUN_H
#define VH_MODEL_RUN_H

#include <stddef.h>

#include <libpq-fe.h>

#include "vh_model.h"

/* What a model states about its schema itself, compared only then. */
#define VH_MODEL_SCHEMA_ACL 1u     /* GRANT or REVOKE ON SCHEMA */
#define VH_MODEL_SCHEMA_COMMENT 2u /* COMMENT ON SCHEMA */

/* The model's statements that name the target schema, rewritten to name
 * the scratch one, and what the model states about the schema itself. */
typedef struct vh_model_plan {
	struct vh_model_rewrite *v;
	size_t n;
	unsigned said; /* VH_MODEL_SCHEMA_* */
} vh_model_plan;

/* Parses the model (libpg_query; no database needed, so a caller can read
 * the target knowing `said` before the model runs) and plans the
 * rewrites: GRANT and REVOKE on the schema `target` itself, GRANT ... ON
 * ALL ... IN SCHEMA `target`, ALTER DEFAULT PRIVILEGES IN SCHEMA `target`
 * and COMMENT ON SCHEMA `target` are to run against `scratch`. Errors
 * (VH_ERR_GENERIC, "model FILE:LINE: ..."): one of those names another
 * schema, ALTER DEFAULT PRIVILEGES names none. *p is the caller's, for
 * vh_model_plan_clear. */
int vh_model_plan_make(vh_model_plan *p, const vh_model *m, const char *target,
		       const char *scratch);

void vh_model_plan_clear(vh_model_plan *p);

/* Runs the model's text over `conn`, inside the transaction the caller
 * opened with search_path on `scratch`: as written, but for the planned
 * rewrites. Errors (VH_ERR_GENERIC, "model FILE:LINE: ..."): a statement
 * fails; the model changed the privileges of a schema other than the
 * scratch one, or default privileges outside it, some way vhost could not
 * point at the scratch schema (a DO block). Returns 0 without looking
 * further when the model ended the transaction: the caller checks
 * PQtransactionStatus. VH_ERR_NOMEM, VH_ERR_DB as usual. */
int vh_model_run(PGconn *conn, const vh_model *m, const vh_model_plan *p, const char *path,
		 const char *target, const char *scratch);

#endif
