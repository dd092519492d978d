/* vh_fleet_worker.c - the child side of a fleet: a worker process that runs
 * one target after another, as the parent hands them out.
 *
 * The parent has scanned the plugins and built the graph once; the worker
 * inherits them through fork(). For each target it points its copy of the
 * settings at the target and runs the command with the ordinary
 * single-target code (host/run): the same lock, checks and per-revision
 * transactions as `vhost upgrade` on one database.
 *
 * Consecutive targets in the same database (a schema per tenant) share the
 * worker's one connection: a new server process per tenant costs its
 * startup and a cold catalog cache, more than many tenants' revisions. The
 * connection starts each target with DISCARD ALL, so nothing a target's
 * revisions set for the session (search_path, roles, other settings,
 * prepared statements, temporary tables, advisory locks) reaches the next
 * one; a connection that is not idle, or refuses that, is closed and a new
 * one opened. A target in another database gets a new connection. */
#include "vh_fleet.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vh_cancel.h"
#include "vh_db.h"
#include "vh_error.h"
#include "vh_tables.h"

/* The version-table rows as "a b c" ("" for base); NULL when unread. */
static char *read_versions(vh_app *app)
{
	vh_tables t;
	char **ids = NULL, *out = NULL;
	size_t n = 0, i, len = 1;
	PGconn *conn;

	if (!app->conn || PQstatus(app->conn) != CONNECTION_OK || vh_app_conn(app, &conn) < 0 ||
	    vh_tables_init(&t, app->cfg) < 0)
		return NULL;
	if (vh_tables_read_versions(conn, &t, &ids, &n) == 0) {
		for (i = 0; i < n; i++)
			len += strlen(ids[i]) + 1;
		if ((out = calloc(1, len)))
			for (i = 0; i < n; i++)
				strcat(strcat(out, i ? " " : ""), ids[i]);
	}
	vh_tables_clear(&t);
	vh_strv_free(ids);
	return out;
}

/* Writes `s` with tabs and newlines folded to spaces. */
static void put_field(FILE *fp, const char *s, int last)
{
	for (; s && *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, fp);
	fputc(last ? '\n' : '\t', fp);
}

/* Keeps the worker's connection for target t when it reaches t's database
 * and can be made clean; else closes it (the command connects anew). */
static void reuse_or_close(vh_app *app, const vh_fleet_target *t, size_t *group)
{
	PGresult *res;
	int clean = 0;

	if (!app->conn)
		goto done;
	if (t->group == *group && PQstatus(app->conn) == CONNECTION_OK &&
	    PQtransactionStatus(app->conn) == PQTRANS_IDLE) {
		res = PQexec(app->conn, "DISCARD ALL");
		clean = res && PQresultStatus(res) == PGRES_COMMAND_OK;
		PQclear(res);
	}
	if (!clean) {
		PQfinish(app->conn);
		app->conn = NULL;
	}
done:
	*group = t->group;
}

/* Runs target ti and writes its result line (rc, sqlstate, revisions run,
 * from, to, error) on `res`, after everything it printed. */
static void run_target(vh_fleet_work *w, size_t ti, FILE *res, size_t *group)
{
	const vh_fleet_target *t = &w->f->t[ti];
	vh_app *app = w->app;
	char *from = NULL, *to = NULL, err[2048] = "", state[6] = "";
	const char *p;
	PGconn *conn;
	vh_graph *g;
	int rc, ran = -1;

	vh_error_clear();
	vh_db_clear_sqlstate();
	reuse_or_close(app, t, group);
	if ((rc = vh_fleet_target_config(app->cfg, t)) == 0 && (rc = vh_app_conn(app, &conn)) == 0)
		rc = (from = read_versions(app)) ? 0 : VH_ERR_DB;
	if (rc == 0 && w->o->action != VH_FLEET_ACT_CURRENT)
		rc = w->fn(app, w->argc, w->argv);
	if (rc < 0)
		snprintf(err, sizeof(err), "%s", vh_error_last());
	else if (rc > 0)
		snprintf(err, sizeof(err), "%s exited with status %d", w->argv[0], rc);
	/* The server's SQLSTATE, from the runner's message or the host's own
	 * statements. */
	if ((p = strstr(err, "(SQLSTATE ")) && strlen(p) >= 15)
		snprintf(state, sizeof(state), "%.5s", p + 10);
	else if (rc < 0)
		snprintf(state, sizeof(state), "%s", vh_db_last_sqlstate());
	if (w->o->action <= VH_FLEET_ACT_STAMP)
		to = read_versions(app);
	else if (from)
		to = strdup(from);
	/* Only upgrade and downgrade run revisions; the others read or stamp. */
	if (from && to && w->o->action != VH_FLEET_ACT_UPGRADE &&
	    w->o->action != VH_FLEET_ACT_DOWNGRADE)
		ran = 0;
	else if (from && to && vh_app_graph(app, &g) == 0)
		ran = vh_fleet_count_between(g, from, to);
	/* What the target printed goes first: the parent takes everything
	 * before the result line as the target's. */
	fflush(stdout);
	fflush(stderr);
	fprintf(res, "%d\t%s\t%d\t", rc, state, ran);
	put_field(res, from ? from : "-", 0);
	put_field(res, to ? to : "-", 0);
	put_field(res, err, 1);
	fflush(res);
	free(from);
	free(to);
}

/* Reads the next target index, one line; -1 at EOF (no more targets). */
static int next_target(int fd, size_t *ti)
{
	char line[32];
	size_t n = 0;
	ssize_t got;

	while (n + 1 < sizeof(line)) {
		got = read(fd, line + n, 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		if (line[n] == '\n')
			break;
		n++;
	}
	line[n] = '\0';
	*ti = (size_t)strtoull(line, NULL, 10);
	return *ti < SIZE_MAX ? 0 : -1;
}

void vh_fleet_worker_main(vh_fleet_work *w, int cmdfd, int resfd)
{
	FILE *res = fdopen(resfd, "w");
	size_t ti, group = (size_t)-1;

	while (res && next_target(cmdfd, &ti) == 0 && ti < w->f->n) {
		run_target(w, ti, res, &group);
		/* SIGINT/SIGTERM reached the run: it stopped, and so does the
		 * fleet (the parent starts nothing more). */
		if (vh_cancel_signal())
			break;
	}
	if (res)
		fclose(res);
	/* The worker's own connection, opened after the fork: closed
	 * properly, so the server logs no lost client. */
	if (w->app->conn)
		PQfinish(w->app->conn);
	fflush(stdout);
	fflush(stderr);
	/* No atexit handlers: what the child inherited belongs to the parent. */
	_exit(0);
}
