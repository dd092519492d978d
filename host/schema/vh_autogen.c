/* vh_autogen.c - autogenerate: loading the model into a scratch schema that
 * is rolled back and diffing it with the target schema (the model is read
 * by vh_model.c, the diff written as C by vh_autogen_render.c). */
#include "vh_autogen.h"
#include "vh_autogen_ext.h"
#include "vh_introspect_schemas.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_db.h"
#include "vh_diff_order.h"
#include "vh_error.h"
#include "vh_introspect.h"
#include "vh_inventory.h"
#include "vh_model.h"
#include "vh_model_run.h"
#include "vh_introspect_nsp_acl.h"
#include "vh_tables.h"

/* ---------------------------------------------------------------------
 * The scratch schema
 * --------------------------------------------------------------------- */

/* Relations outside the scratch schema that this transaction created or
 * changed: the model was not as unqualified as it must be. */
static const char q_leaks[] =
	"SELECT string_agg(quote_ident(n.nspname) || '.' || quote_ident(c.relname), ', ')"
	" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	" WHERE c.xmin::text = (txid_current() % 4294967296)::text"
	" AND n.nspname <> $1 AND n.nspname NOT LIKE 'pg\\_%'";

/* Marks SET NOT NULL operations on columns that hold NULLs right now. */
static int check_nulls(PGconn *conn, const char *schema, vh_diff *up)
{
	char *qs = PQescapeIdentifier(conn, schema, strlen(schema)), *sql;
	PGresult *res;
	size_t i;
	int rc = 0;

	if (!qs)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	for (i = 0; rc == 0 && i < up->nops; i++) {
		vh_op *op = &up->ops[i];

		if (op->kind != VH_OP_MODIFY_NULLABLE || !strstr(op->sql, " SET NOT NULL"))
			continue;
		if (asprintf(&sql, "SELECT EXISTS (SELECT 1 FROM %s.%s WHERE %s IS NULL)", qs,
			     op->table, op->object) < 0) {
			rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
			break;
		}
		rc = vh_db_query(&res, conn, "looking for NULLs", sql, 0, NULL);
		free(sql);
		if (rc == 0 && PQgetvalue(res, 0, 0)[0] == 't')
			rc = vh_op_add_review(op, "The column holds NULLs in the database now: as "
						  "written, this statement fails.");
		if (rc == 0)
			PQclear(res);
	}
	PQfreemem(qs);
	return rc;
}

/* See vh_autogen.h. One transaction, always rolled back (or, when the
 * model committed it, its scratch schema dropped). */
int vh_autogen_diff(vh_diff **up, vh_diff **down, PGconn *conn, const char *schema,
		    const char *model_path, const char *const *exclude)
{
	vh_ischema *db = NULL, *want = NULL;
	vh_catalog *cdb = NULL, *cwant = NULL;
	vh_deps *ddb = NULL, *dwant = NULL;
	char scratch[64], *qscratch = NULL, *sql = NULL;
	const char *params[1] = {scratch};
	PGresult *res = NULL, *schemas = NULL;
	vh_model m;
	vh_autogen_ext ext = {0};
	vh_model_plan plan = {0};
	PQnoticeReceiver prev;
	int rc, open = 0;

	*up = *down = NULL;
	if ((rc = vh_model_read(&m, model_path)) < 0)
		goto done;
	snprintf(scratch, sizeof(scratch), "vhost_model_%d", PQbackendPID(conn));
	if ((rc = vh_model_plan_make(&plan, &m, schema, scratch)) < 0)
		goto done;
	/* A session-level SET, undone by the ROLLBACK like the rest: should the
	 * model COMMIT, what follows still lands in the scratch schema, which
	 * then goes as a whole. */
	if (!(qscratch = PQescapeIdentifier(conn, scratch, strlen(scratch))) ||
	    asprintf(&sql, "CREATE SCHEMA %s; SELECT set_config('search_path', '%s, public', false)",
		     qscratch, qscratch) < 0) {
		sql = NULL;
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	/* One snapshot for all of it: what the model changed outside its
	 * scratch schema shows as itself, not mixed with what other sessions
	 * commit meanwhile (vh_model_run.c compares before and after). */
	if ((rc = vh_db_exec(conn, "starting the model's transaction",
			     "BEGIN ISOLATION LEVEL REPEATABLE READ")) < 0)
		goto done;
	open = 1;
	/* The target first: whatever the model does cannot show in it. */
	if ((rc = vh_introspect(&db, conn, schema, exclude)) < 0 ||
	    (rc = vh_nsp_acl_add(db, conn, schema, schema, plan.said)) < 0 ||
	    (rc = vh_catalog_snapshot(&cdb, conn, schema, exclude)) < 0 ||
	    (rc = vh_deps_read(&ddb, conn, schema)) < 0 ||
	    (rc = vh_schemas_before(&schemas, conn)) < 0 ||
	    (rc = vh_db_exec(conn, "creating the model's scratch schema", sql)) < 0 ||
	    (rc = vh_autogen_ext_prepare(&ext, conn, schema, scratch)) < 0)
		goto done;
	prev = PQsetNoticeReceiver(conn, vh_autogen_ext_notice, &ext);
	rc = vh_model_run(conn, &m, &plan, model_path, schema, scratch);
	PQsetNoticeReceiver(conn, prev, NULL);
	if (PQtransactionStatus(conn) == PQTRANS_IDLE) {
		/* A COMMIT in the model made the scratch schema permanent, and
		 * the extensions moved into it: those go back first. */
		vh_autogen_ext_restore(&ext, conn, schema);
		free(sql);
		if (asprintf(&sql, "DROP SCHEMA IF EXISTS %s CASCADE; RESET search_path", qscratch) < 0)
			sql = NULL;
		else
			PQclear(PQexec(conn, sql));
		open = 0;
		if (rc == 0)
			rc = vh_error_set(VH_ERR_GENERIC,
					  "model %s ends the transaction it runs in (COMMIT or "
					  "ROLLBACK): a model holds DDL only",
					  model_path);
	}
	if (rc < 0 || (rc = vh_autogen_ext_settle(&ext, conn, schema)) < 0)
		goto done;
	if ((rc = vh_db_query(&res, conn, "checking the model stayed in its schema", q_leaks, 1,
			      params)) < 0)
		goto done;
	if (!PQgetisnull(res, 0, 0)) {
		rc = vh_error_set(VH_ERR_GENERIC,
				  "model %s creates or changes objects outside its scratch schema "
				  "(%s): write it unqualified",
				  model_path, PQgetvalue(res, 0, 0));
		goto done;
	}
	PQclear(res);
	res = NULL;
	/* The schema's own privileges and defaults under the target's name,
	 * as the target's were read. */
	if ((rc = vh_introspect(&want, conn, scratch, exclude)) < 0 ||
	    (rc = vh_nsp_acl_add(want, conn, scratch, schema, plan.said)) < 0 ||
	    (rc = vh_catalog_snapshot(&cwant, conn, scratch, exclude)) < 0 ||
	    (rc = vh_deps_read(&dwant, conn, scratch)) < 0 ||
	    (rc = vh_schemas_add(db, want, conn, schemas, scratch, schema, ext.schemas,
				 ext.nschemas)) < 0)
		goto done;
	if ((rc = vh_diff_compute(up, db, want)) < 0 || (rc = vh_diff_compute(down, want, db)) < 0 ||
	    (rc = vh_diff_order(*up, ddb, dwant, "upgrade")) < 0 ||
	    (rc = vh_diff_order(*down, dwant, ddb, "downgrade")) < 0)
		goto done;
	if ((rc = vh_inventory_unmodelled(&(*up)->unmodelled, &(*up)->nunmodelled, cdb, cwant)) < 0 ||
	    (rc = vh_inventory_unmodelled(&(*down)->unmodelled, &(*down)->nunmodelled, cwant,
					  cdb)) < 0)
		goto done;
	rc = check_nulls(conn, schema, *up);
done:
	PQclear(res);
	PQclear(schemas);
	if (open)
		PQclear(PQexec(conn, "ROLLBACK"));
	if (rc < 0) {
		vh_diff_free(*up);
		vh_diff_free(*down);
		*up = *down = NULL;
	}
	vh_ischema_free(db);
	vh_ischema_free(want);
	vh_catalog_free(cdb);
	vh_catalog_free(cwant);
	vh_deps_free(ddb);
	vh_deps_free(dwant);
	if (qscratch)
		PQfreemem(qscratch);
	free(sql);
	vh_model_clear(&m);
	vh_model_plan_clear(&plan);
	vh_autogen_ext_clear(&ext);
	return rc;
}

/* See vh_autogen.h. */
int vh_autogen_app_diff(vh_app *app, vh_diff **up, vh_diff **down)
{
	const vh_config *cfg = app->cfg;
	const char *exclude[3] = {NULL, NULL, NULL};
	size_t n = 0;
	PGconn *conn;
	int rc;

	*up = *down = NULL;
	if (!cfg->model)
		return vh_error_set(VH_ERR_USAGE,
				    "no model configured: set `model` in the [vhost] section of "
				    "vhost.ini to the SQL file (or directory) describing the schema");
	if ((rc = vh_app_conn(app, &conn)) < 0)
		return rc;
	/* vhost's own tables are no part of any model. */
	if (!cfg->version_table_schema || strcmp(cfg->version_table_schema, cfg->schema) == 0)
		exclude[n++] = cfg->version_table;
	exclude[n++] = cfg->history_table;
	return vh_autogen_diff(up, down, conn, cfg->schema, cfg->model, exclude);
}


/* The version table must hold exactly `parents`: the diff is only the new
 * revision's work when the database is where the revision starts. */
static int require_at(vh_app *app, const char *const *parents, size_t nparents)
{
	char **ids = NULL;
	size_t n = 0, i, j;
	vh_tables t;
	PGconn *conn;
	int rc;

	if ((rc = vh_app_conn(app, &conn)) < 0 || (rc = vh_tables_init(&t, app->cfg)) < 0)
		return rc;
	rc = vh_tables_read_versions(conn, &t, &ids, &n);
	vh_tables_clear(&t);
	for (i = 0; rc == 0 && i < nparents; i++) {
		for (j = 0; j < n && strcmp(ids[j], parents[i]) != 0; j++)
			;
		if (j == n)
			rc = vh_error_set(VH_ERR_GENERIC,
					  "Target database is not up to date: it is not at %s, which "
					  "the new revision revises (run 'vhost upgrade %s')",
					  parents[i], parents[i]);
	}
	if (rc == 0 && n != nparents)
		rc = vh_error_set(VH_ERR_GENERIC, "Target database is not up to date.");
	vh_strv_free(ids);
	return rc;
}

/* See vh_autogen.h. */
int vh_autogen_bodies(vh_app *app, const char *const *parents, size_t nparents, int online,
		      vh_autogen_file files[VH_PLAN_MAX], size_t *nfiles)
{
	vh_diff *up = NULL, *down = NULL;
	vh_agplan plan = {0};
	const char *source;
	size_t i;
	int rc;

	*nfiles = 0;
	memset(files, 0, VH_PLAN_MAX * sizeof(*files));
	if (!app->cfg->model)
		return vh_autogen_app_diff(app, &up, &down); /* the "no model" error */
	if ((rc = require_at(app, parents, nparents)) < 0 ||
	    (rc = vh_autogen_app_diff(app, &up, &down)) < 0)
		goto done;
	for (i = 0; i < up->nops; i++) {
		char *what = vh_op_describe(&up->ops[i]);

		vh_app_info(app, "Detected %s", what ? what : vh_op_name(up->ops[i].kind));
		free(what);
	}
	for (i = 0; i < up->nunmodelled; i++)
		fprintf(stderr, "Not generated (write it by hand): %s\n", up->unmodelled[i]);
	if (!up->nops && !up->nunmodelled)
		vh_app_info(app, "No changes in schema detected.");
	/* The model as configured, relative to the ini file when inside it. */
	source = app->cfg->model;
	if (app->cfg->dir && strncmp(source, app->cfg->dir, strlen(app->cfg->dir)) == 0 &&
	    source[strlen(app->cfg->dir)] == '/')
		source += strlen(app->cfg->dir) + 1;
	rc = vh_autogen_plan(&plan, up, down, online);
	up = down = NULL;
	if (rc == 0 && plan.n > 1)
		vh_app_info(app, "Online plan: %zu revisions, each the child of the one before, so no "
				 "statement holds a long lock on an existing table (--no-online: one)",
			    plan.n);
	for (i = 0; rc == 0 && i < plan.n; i++) {
		files[i].nontransactional = plan.revs[i].nontransactional;
		files[i].step = plan.revs[i].step;
		rc = vh_autogen_render(&files[i].up_body, &files[i].down_body, plan.revs[i].up,
				       plan.revs[i].down, source);
		*nfiles = i + 1;
	}
	if (rc < 0) {
		for (i = 0; i < *nfiles; i++) {
			free(files[i].up_body);
			free(files[i].down_body);
		}
		*nfiles = 0;
	}
done:
	vh_agplan_clear(&plan);
	vh_diff_free(up);
	vh_diff_free(down);
	return rc;
}
