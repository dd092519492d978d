/* vh_drift.c - building the chain's schema at the database's revision in a
 * scratch target, and reading both catalogs (see vh_drift.h). The scratch
 * target is dropped on every way out but a crash of a revision's code,
 * which the scratch name printed by vh_workflow_scratch_create then names. */
#include "vh_drift.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_error.h"
#include "vh_run.h"
#include "vh_tables.h"
#include "vh_workflow.h"

/* The settings the scratch run changes, kept to be put back. */
typedef struct saved {
	PGconn *conn;
	char *schema, *vt_schema, *backup;
	int confirm, quiet;
	const char *env;
} saved;

/* Points the app at the scratch target: its connection, and for a scratch
 * schema the schema names; no backup, no confirmation (nothing of the
 * user's is touched), no progress lines. */
static int point_at_scratch(vh_app *app, const vh_scratch *s, PGconn *conn, saved *sv)
{
	vh_config *cfg = app->cfg;

	sv->conn = app->conn;
	sv->schema = cfg->schema;
	sv->vt_schema = cfg->version_table_schema;
	sv->backup = cfg->backup_command;
	sv->confirm = cfg->confirm;
	sv->quiet = app->quiet;
	sv->env = app->env;
	app->conn = conn;
	cfg->backup_command = NULL;
	cfg->confirm = 0;
	app->quiet = 1;
	app->env = NULL;
	if (s->is_schema) {
		char *a = strdup(s->name), *b = strdup(s->name);

		if (!a || !b) {
			free(a);
			free(b);
			return vh_error_set(VH_ERR_NOMEM, "out of memory");
		}
		cfg->schema = a;
		cfg->version_table_schema = b;
	}
	return 0;
}

/* Undoes point_at_scratch. */
static void point_back(vh_app *app, const vh_scratch *s, const saved *sv)
{
	vh_config *cfg = app->cfg;

	if (s->is_schema && cfg->schema != sv->schema) {
		free(cfg->schema);
		free(cfg->version_table_schema);
	}
	cfg->schema = sv->schema;
	cfg->version_table_schema = sv->vt_schema;
	cfg->backup_command = sv->backup;
	cfg->confirm = sv->confirm;
	app->quiet = sv->quiet;
	app->env = sv->env;
	app->conn = sv->conn;
}

/* vhost's own tables, left out of every catalog. */
static void own_tables(const vh_config *cfg, const char *exclude[3])
{
	size_t n = 0;

	exclude[0] = exclude[1] = exclude[2] = NULL;
	exclude[n++] = cfg->history_table;
	if (!cfg->version_table_schema || strcmp(cfg->version_table_schema, cfg->schema) == 0)
		exclude[n++] = cfg->version_table;
}

/* Upgrades the scratch target to every recorded revision and reads its
 * catalog. */
static int build_chain(vh_drift *d, vh_app *app, const vh_scratch *s)
{
	vh_run_opts up = {0};
	const char *exclude[3];
	PGconn *conn = vh_workflow_scratch_connect(s);
	saved sv = {0};
	size_t i;
	int rc;

	if (!conn)
		return vh_error_code() < 0 ? vh_error_code() : VH_ERR_DB;
	if ((rc = point_at_scratch(app, s, conn, &sv)) < 0) {
		PQfinish(conn);
		return rc;
	}
	up.up = 1;
	up.yes = 1;
	up.no_backup = 1;
	for (i = 0; rc == 0 && i < d->nrevs; i++)
		if ((rc = vh_run(app, d->revs[i], &up)) < 0)
			rc = vh_error_set(rc, "building the chain at %s in scratch %s %s: %s",
					  d->revs[i], s->is_schema ? "schema" : "database", s->name,
					  vh_error_last());
	own_tables(app->cfg, exclude);
	if (rc == 0)
		rc = vh_catalog_snapshot(&d->chain, conn, app->cfg->schema, exclude);
	point_back(app, s, &sv);
	PQfinish(conn);
	return rc;
}

int vh_drift_build(vh_drift *d, vh_app *app, int yes)
{
	const char *exclude[3];
	size_t *cur = NULL;
	vh_scratch s;
	PGconn *admin;
	int rc;

	memset(d, 0, sizeof(*d));
	if ((rc = vh_run_read_current(app, &d->revs, &cur, &d->nrevs)) < 0 ||
	    (rc = vh_app_conn(app, &admin)) < 0)
		goto done;
	own_tables(app->cfg, exclude);
	if ((rc = vh_catalog_snapshot(&d->database, admin, app->cfg->schema, exclude)) < 0 ||
	    (rc = vh_workflow_scratch_create(&s, app, admin, yes)) < 0)
		goto done;
	d->in_schema = s.is_schema;
	snprintf(d->scratch, sizeof(d->scratch), "%s", s.name);
	rc = build_chain(d, app, &s);
	if (rc == 0 && s.is_schema) {
		/* A scratch schema is vhost's, created as its role; the target was
		 * created by whoever, with privileges and a comment of its own
		 * (the public schema's come with the database): no chain decided
		 * either. */
		vh_catalog_drop_kind(d->chain, "schema privilege");
		vh_catalog_drop_kind(d->database, "schema privilege");
		vh_catalog_drop_kind(d->chain, "schema comment");
		vh_catalog_drop_kind(d->database, "schema comment");
	}
	{
		/* A failed drop is an error of its own, after the first one. */
		char first[2048];

		snprintf(first, sizeof(first), "%s", vh_error_last());
		if (vh_workflow_scratch_drop(&s) < 0 && rc == 0)
			rc = VH_ERR_GENERIC;
		else if (rc < 0)
			vh_error_set(rc, "%s", first);
	}
done:
	free(cur);
	if (rc < 0)
		vh_drift_clear(d);
	return rc;
}

void vh_drift_clear(vh_drift *d)
{
	vh_catalog_free(d->chain);
	vh_catalog_free(d->database);
	vh_strv_free(d->revs);
	memset(d, 0, sizeof(*d));
}
