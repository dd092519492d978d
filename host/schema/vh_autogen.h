/* vh_autogen.h - autogenerate: the configured model (declarative SQL) loaded
 * into a scratch schema and compared with the target schema, for
 * `vhost revision --autogenerate` (C bodies for upgrade/downgrade) and
 * `vhost check` (the list of differences).
 *
 * The model is plain, unqualified DDL (CREATE TABLE, CREATE INDEX, ALTER
 * TABLE ... ADD CONSTRAINT, COMMENT ON ...): a file, or a directory whose
 * *.sql files are read in name order. It is run in one transaction,
 *   BEGIN; CREATE SCHEMA vhost_model_<pid>; SET search_path TO it, public;
 *   <model>; read both schemas; ROLLBACK;
 * so nothing is left behind, not even when vhost is killed half-way (the
 * server rolls back a transaction whose connection is gone). */
#ifndef VH_AUTOGEN_H
#define VH_AUTOGEN_H

#include <stdio.h>

#include "vh_app.h"
#include "vh_diff.h"

/* Loads `model_path` into a scratch schema over `conn` and diffs it with
 * `schema`: *up turns the schema into the model, *down the model back into
 * the schema. `exclude` names tables of the schema to ignore (NULL-
 * terminated, may be NULL). SET NOT NULL on a column that holds NULLs now
 * gets a review note saying so. Errors: the model unreadable (VH_ERR_USAGE,
 * naming it), the model failing (VH_ERR_GENERIC, "model FILE:LINE: server
 * message"), the model ending the transaction or creating objects outside
 * the scratch schema (VH_ERR_GENERIC), the server (VH_ERR_DB). On success
 * both diffs are the caller's (vh_diff_free). `conn` must be idle (no
 * transaction open) and is left idle. */
int vh_autogen_diff(vh_diff **up, vh_diff **down, PGconn *conn, const char *schema,
		    const char *model_path, const char *const *exclude);

/* vh_autogen_diff for the app's configuration: the `model` setting (an
 * error naming the setting when unset), the target schema, vhost's version
 * and history tables excluded. */
int vh_autogen_app_diff(vh_app *app, vh_diff **up, vh_diff **down);

/* The bodies of upgrade() and downgrade() for the template
 * (vh_template_vars.upgrade_body/downgrade_body): one vh_exec() per
 * operation, each under a comment naming it and, where it can lose data or
 * fail, a "REVIEW:" note. `source` names the model in the header comment.
 * Both strings are the caller's (free). VH_ERR_NOMEM only. */
int vh_autogen_render(char **up_body, char **down_body, const vh_diff *up,
		      const vh_diff *down, const char *source);

/* What `vhost revision --autogenerate` calls: require the database to be
 * at exactly `parents` (the new revision's parents; none = an empty version
 * table), else "Target database is not up to date." as Alembic says; diff
 * against the model; print "Detected <operation>" lines (stderr, unless
 * -q) and render the bodies. Both strings are the caller's (free). */
int vh_autogen_bodies(vh_app *app, const char *const *parents, size_t nparents,
		      char **up_body, char **down_body);

/* Writes one "  <operation>" line per operation of `d` to `out`. */
void vh_autogen_print(FILE *out, const vh_diff *d);

#endif
