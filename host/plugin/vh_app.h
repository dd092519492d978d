/* vh_app.h - what every command gets: the settings, and the revision graph
 * and database connection, each made on first use so that commands needing
 * neither (history, heads) never touch a server. */
#ifndef VH_APP_H
#define VH_APP_H

#include <libpq-fe.h>

#include "vh_config.h"
#include "vh_graph.h"

typedef struct vh_app {
	vh_config *cfg;
	vh_graph *graph;  /* NULL until vh_app_graph() */
	struct vh_index *index; /* plugin_dir's index, kept to record new SHA-256s */
	PGconn *conn;     /* NULL until vh_app_conn() */
	int verbose;      /* -v */
	int quiet;        /* -q */
	const char *env;  /* -e NAME, or NULL */
	const char **xargs; /* -x KEY=VALUE, in order (borrowed from argv) */
	size_t nxargs;
} vh_app;

/* Scans plugin_dir on first call; *out is borrowed from the app. A
 * directory without revisions is an error naming it (VH_ERR_GENERIC). */
int vh_app_graph(vh_app *app, vh_graph **out);

/* Connects on first call (a clear, password-free error otherwise); *out is
 * borrowed from the app. */
int vh_app_conn(vh_app *app, PGconn **out);

/* Frees everything the app owns; closes the connection. */
void vh_app_close(vh_app *app);

/* Progress output: to stderr unless -q. */
void vh_app_info(const vh_app *app, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
