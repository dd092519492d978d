/* vh_app.c - the lazily made parts of a command's context: the revision
 * graph (scanned on first use) and the connection (opened on first use). */
#include "vh_app.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "vh_db.h"
#include "vh_error.h"
#include "vh_index.h"
#include "vh_loader.h"

int vh_app_graph(vh_app *app, vh_graph **out)
{
	int rc;

	if (!app->graph) {
		rc = vh_loader_scan_index(&app->graph, &app->index, app->cfg->plugin_dir,
					  app->cfg->insecure_plugins);
		if (rc < 0)
			return rc;
		/* A wrong --plugin-dir must not read as "already at head" (or
		 * let `stamp head` create the tables): no revisions is an error. */
		if (vh_graph_count(app->graph) == 0) {
			vh_graph_free(app->graph);
			app->graph = NULL;
			return vh_error_set(VH_ERR_GENERIC,
					    "no revisions found in plugin directory '%s' (no *.so "
					    "files: build the revisions, or point --plugin-dir or "
					    "plugin_dir at them)",
					    app->cfg->plugin_dir);
		}
	}
	*out = app->graph;
	return 0;
}

int vh_app_conn(vh_app *app, PGconn **out)
{
	int rc;

	if (!app->conn) {
		if (app->env && !app->quiet)
			fprintf(stderr, "Environment: %s\n", app->env);
		if (app->verbose && !app->quiet)
			fprintf(stderr, "Connection: from %s\n",
				app->cfg->conn_source ? app->cfg->conn_source
						      : "libpq's defaults (PG* variables)");
		if ((rc = vh_db_connect(&app->conn, app->cfg)) < 0)
			return rc;
	}
	*out = app->conn;
	return 0;
}

void vh_app_close(vh_app *app)
{
	if (app->conn)
		PQfinish(app->conn);
	app->conn = NULL;
	/* SHA-256s the drift check or the steps computed: next time, a stat. */
	if (app->index && app->graph)
		vh_loader_index_update(app->index, app->graph);
	vh_index_free(app->index);
	app->index = NULL;
	vh_graph_free(app->graph);
	app->graph = NULL;
	vh_config_free(app->cfg);
	app->cfg = NULL;
	free(app->xargs);
	app->xargs = NULL;
	app->nxargs = 0;
}

void vh_app_info(const vh_app *app, const char *fmt, ...)
{
	va_list ap;

	if (app->quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
