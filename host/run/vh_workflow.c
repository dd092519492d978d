/* vh_workflow.c - confirmation, backups and the dry-run report: what stands
 * between an operator and a production database. */
#include "vh_clock.h"
#include "vh_workflow.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vh_db.h"
#include "vh_error.h"

/* "environment 'production'", or "these settings" when no environment was
 * chosen (confirm = true in [vhost] itself). Static buffer. */
static const char *env_label(const vh_app *app)
{
	static char buf[160];

	if (app->cfg->env_name)
		snprintf(buf, sizeof(buf), "environment '%s'", app->cfg->env_name);
	else
		snprintf(buf, sizeof(buf), "the settings (confirm = true)");
	return buf;
}

/* ---------------------------------------------------------------------
 * Confirmation
 * --------------------------------------------------------------------- */

int vh_workflow_confirm(vh_app *app, const char *what, int yes)
{
	char line[64], first[256];
	size_t n;

	if (!app->cfg->confirm || yes)
		return 0;
	n = strcspn(what, "\n");
	snprintf(first, sizeof(first), "%.*s", (int)(n < 255 ? n : 255), what);
	if (!isatty(STDIN_FILENO))
		return vh_error_set(VH_ERR_GENERIC,
				    "%s requires confirmation to %s, and standard input is not a "
				    "terminal to ask on; rerun with --yes to confirm",
				    env_label(app), first);
	fprintf(stderr, "%s\n%s requires confirmation. Continue? [y/N] ", what, env_label(app));
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin)) {
		fputc('\n', stderr);
		return vh_error_set(VH_ERR_GENERIC, "cancelled: no answer (end of input); nothing was changed");
	}
	line[strcspn(line, "\r\n")] = '\0';
	if (strcasecmp(line, "y") == 0 || strcasecmp(line, "yes") == 0)
		return 0;
	return vh_error_set(VH_ERR_GENERIC, "cancelled: the answer was '%s', not 'yes'; nothing was changed",
			    line);
}

/* ---------------------------------------------------------------------
 * Backup
 * --------------------------------------------------------------------- */

/* `fmt` with strftime sequences expanded to the local time now. Returns a
 * new string (caller frees), or NULL with the error set. */
static char *expand_time(const char *fmt)
{
	time_t now = time(NULL);
	struct tm tm;
	size_t cap = strlen(fmt) * 2 + 64, n;
	char *buf;

	localtime_r(&now, &tm);
	for (;;) {
		if (!(buf = malloc(cap))) {
			vh_error_set(VH_ERR_NOMEM, "out of memory");
			return NULL;
		}
		/* 0 means "did not fit" unless the result is really empty. */
		if ((n = strftime(buf, cap, fmt, &tm)) > 0 || !*fmt)
			return buf;
		free(buf);
		if (cap > 65536) {
			vh_error_set(VH_ERR_USAGE, "backup_command: cannot expand '%s' (too long?)", fmt);
			return NULL;
		}
		cap *= 4;
	}
}

/* The live connection's settings as "PGxxx=value" entries for the backup's
 * environment: exactly the server, database and user vhost is talking to,
 * not whatever the shell's PG* variables say. The password only when the
 * connection used one. Returns a NULL-terminated array the caller frees
 * (strings and array), or NULL when out of memory. */
static char **conn_environ(PGconn *conn, const vh_app *app)
{
	PQconninfoOption *opts = PQconninfo(conn), *o;
	size_t n = 4, k = 0;
	char **env;

	for (o = opts; o && o->keyword; o++)
		n++;
	if (!(env = calloc(n, sizeof(*env)))) {
		PQconninfoFree(opts);
		return NULL;
	}
	for (o = opts; o && o->keyword; o++) {
		if (!o->envvar || !o->val || !*o->val)
			continue;
		/* Let pg_dump name itself in pg_stat_activity. */
		if (strcmp(o->keyword, "application_name") == 0)
			continue;
		if (strcmp(o->keyword, "password") == 0 && !PQconnectionUsedPassword(conn))
			continue;
		if (asprintf(&env[k], "%s=%s", o->envvar, o->val) < 0)
			goto fail;
		k++;
	}
	if (asprintf(&env[k], "VHOST_SCHEMA=%s", app->cfg->schema) < 0)
		goto fail;
	k++;
	if (app->cfg->env_name) {
		if (asprintf(&env[k], "VHOST_ENV=%s", app->cfg->env_name) < 0)
			goto fail;
		k++;
	}
	env[k] = NULL;
	PQconninfoFree(opts);
	return env;
fail:
	env[k] = NULL;
	for (k = 0; env[k]; k++)
		free(env[k]);
	free(env);
	PQconninfoFree(opts);
	return NULL;
}

/* Forks /bin/sh -c `cmd` in `dir` with `env` added; returns the wait status
 * or -1 (errno set) when it could not start. */
static int run_shell(const char *cmd, const char *dir, char **env)
{
	pid_t pid;
	int st;
	size_t i;

	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		/* Its output is progress, not our result: stdout goes to stderr. */
		if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(2, 1) < 0)
			_exit(126);
		if (dir && chdir(dir) < 0) {
			dprintf(2, "vhost: backup_command: cannot change to %s: %s\n", dir, strerror(errno));
			_exit(126);
		}
		for (i = 0; env[i]; i++)
			putenv(env[i]);
		signal(SIGPIPE, SIG_DFL);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return st;
}

int vh_workflow_backup(vh_app *app, PGconn *conn, int no_backup)
{
	const char *tmpl = app->cfg->backup_command;
	char *cmd = NULL, **env = NULL;
	double t0;
	int st, rc = 0;
	size_t i;

	if (!tmpl || !*tmpl)
		return 0;
	if (no_backup) {
		vh_app_info(app, "Backup skipped (--no-backup): backup_command not run.");
		return 0;
	}
	if (!(cmd = expand_time(tmpl)))
		return vh_error_code();
	if (!(env = conn_environ(conn, app))) {
		free(cmd);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	vh_app_info(app, "Backup: running %s", cmd);
	t0 = vh_clock_ms();
	st = run_shell(cmd, app->cfg->dir, env);
	if (st < 0)
		rc = vh_error_set(VH_ERR_GENERIC, "backup_command could not be started: %s; nothing was "
				  "changed", strerror(errno));
	else if (WIFSIGNALED(st))
		rc = vh_error_set(VH_ERR_GENERIC,
				  "backup_command was killed by signal %d (%s); nothing was changed. Fix "
				  "the backup, or rerun with --no-backup to go ahead without one",
				  WTERMSIG(st), strsignal(WTERMSIG(st)));
	else if (WEXITSTATUS(st) != 0)
		rc = vh_error_set(VH_ERR_GENERIC,
				  "backup_command failed with exit status %d (%s); nothing was changed. "
				  "Fix the backup, or rerun with --no-backup to go ahead without one",
				  WEXITSTATUS(st), cmd);
	else
		vh_app_info(app, "Backup done in %.0f ms.", vh_clock_ms() - t0);
	for (i = 0; env[i]; i++)
		free(env[i]);
	free(env);
	free(cmd);
	return rc;
}

/* ---------------------------------------------------------------------
 * Before a real run
 * --------------------------------------------------------------------- */

int vh_workflow_before_run(vh_app *app, PGconn *conn, const vh_graph *g, const vh_plan *plan,
			   int up, int yes, int no_backup)
{
	char *what = NULL, label[512];
	size_t len = 0, i;
	FILE *f;
	int rc;

	if (app->cfg->confirm && !yes) {
		if (!(f = open_memstream(&what, &len)))
			return vh_error_set(VH_ERR_NOMEM, "out of memory");
		fprintf(f, "%s %s in database \"%s\" on %s:%s: %zu revision%s", up ? "upgrade" : "downgrade",
			app->cfg->schema, PQdb(conn), PQhost(conn), PQport(conn), plan->n,
			plan->n == 1 ? "" : "s");
		for (i = 0; i < plan->n; i++) {
			vh_plan_step_label(g, &plan->steps[i], "<base>", label, sizeof(label));
			fprintf(f, "\n  %s, %s", label, vh_graph_rev(g, plan->steps[i].rev)->message);
		}
		if (fclose(f) != 0) {
			free(what);
			return vh_error_set(VH_ERR_NOMEM, "out of memory");
		}
		rc = vh_workflow_confirm(app, what, yes);
		free(what);
		if (rc < 0)
			return rc;
	}
	return vh_workflow_backup(app, conn, no_backup);
}

/* ---------------------------------------------------------------------
 * The dry-run report
 * --------------------------------------------------------------------- */

void vh_workflow_dry_report(vh_app *app, PGconn *conn, const vh_graph *g, const vh_plan *plan,
			    const double *ms, size_t ndone, int failed, size_t nrun)
{
	const char *indent = "                     ";
	char label[512];
	size_t i;

	printf("Dry run of %s %s in database \"%s\"%s%s (rolled back, nothing changed):\n",
	       plan->n && !plan->steps[0].up ? "downgrade" : "upgrade", app->cfg->schema,
	       conn ? PQdb(conn) : "?", app->cfg->env_name ? ", environment " : "",
	       app->cfg->env_name ? app->cfg->env_name : "");
	for (i = 0; i < plan->n; i++) {
		const vh_revision *rev = vh_graph_rev(g, plan->steps[i].rev);

		vh_plan_step_label(g, &plan->steps[i], "<base>", label, sizeof(label));
		if (i < ndone || (failed && i == ndone))
			printf("  %-11s %6.0f ms  %s, %s\n", i < ndone ? "ok" : "FAILED", ms[i], label,
			       rev->message);
		else
			printf("  %-11s            %s, %s\n", i >= nrun ? "not checked" : "not run", label,
			       rev->message);
		if (failed && i == ndone) {
			/* the message carries PostgreSQL's DETAIL (vh_run_step.c) */
			printf("%s%s\n", indent, vh_error_last());
		}
		if (i == nrun && nrun < plan->n)
			printf("%srevision %s must run outside a transaction, so it cannot be "
			       "dry-run; nothing from here on was checked\n", indent, rev->id);
	}
	if (failed && ndone == 0)
		printf("Result: the %s would fail at %s, the first revision; nothing would run.\n",
		       plan->steps[0].up ? "upgrade" : "downgrade",
		       vh_graph_rev(g, plan->steps[0].rev)->id);
	else if (failed)
		printf("Result: the %s would fail at %s; the %zu revision%s before it would run.\n",
		       plan->steps[0].up ? "upgrade" : "downgrade",
		       vh_graph_rev(g, plan->steps[ndone].rev)->id, ndone, ndone == 1 ? "" : "s");
	else if (nrun < plan->n)
		printf("Result: %zu revision%s would run; %zu not checked (dry run stopped before "
		       "non-transactional revision %s).\n",
		       ndone, ndone == 1 ? "" : "s", plan->n - nrun,
		       vh_graph_rev(g, plan->steps[nrun].rev)->id);
	else
		printf("Result: all %zu revision%s would run.\n", ndone, ndone == 1 ? "" : "s");
	fflush(stdout);
}

/* ---------------------------------------------------------------------
 * Scratch targets
 * --------------------------------------------------------------------- */

/* Connects with the settings in `like` (as libpq resolved them for the
 * configured connection), `dbname` replaced when not NULL. NULL with the
 * error set; the connection is the caller's. */
static PGconn *connect_like(const PQconninfoOption *like, const char *dbname)
{
	const char *keys[80], *vals[80];
	const PQconninfoOption *o;
	size_t n = 0;
	PGconn *conn;

	for (o = like; o && o->keyword && n < 78; o++) {
		if (!o->val || !*o->val)
			continue;
		keys[n] = o->keyword;
		vals[n++] = dbname && strcmp(o->keyword, "dbname") == 0 ? dbname : o->val;
	}
	keys[n] = NULL;
	vals[n] = NULL;
	conn = PQconnectdbParams(keys, vals, 0);
	if (!conn || PQstatus(conn) != CONNECTION_OK) {
		vh_error_set(VH_ERR_GENERIC, "cannot connect to %s%s: %s",
			     dbname ? "the scratch database " : "the configured database",
			     dbname ? dbname : "",
			     conn ? vh_db_oneline(PQerrorMessage(conn)) : "out of memory");
		PQfinish(conn);
		return NULL;
	}
	PQclear(PQexec(conn, "SET client_min_messages = warning"));
	return conn;
}

int vh_workflow_scratch_create(vh_scratch *s, vh_app *app, PGconn *admin, int yes)
{
	char sql[200], what[400];
	PGresult *res;
	const char *state;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	/* The pid keeps parallel runs apart; the clock, runs on other hosts. */
	snprintf(s->name, sizeof(s->name), "vhost_test_%ld_%04x", (long)getpid(),
		 (unsigned)(vh_clock_ms() * 1000) & 0xffff);
	if (!(s->like = PQconninfo(admin)))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", s->name);
	res = PQexec(admin, sql);
	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && (!state || strcmp(state, "42501") != 0)) {
		rc = vh_db_error(admin, res, "creating the scratch database");
	} else if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		/* No CREATEDB: a schema of its own in the configured database. */
		snprintf(what, sizeof(what), "create scratch schema %s in database \"%s\" (no "
			 "permission to create a scratch database) and drop it afterwards", s->name,
			 PQdb(admin));
		rc = vh_workflow_confirm(app, what, yes);
		s->is_schema = 1;
	}
	PQclear(res);
	if (rc < 0)
		vh_workflow_scratch_clear(s);
	return rc;
}

PGconn *vh_workflow_scratch_connect(const vh_scratch *s)
{
	return connect_like(s->like, s->is_schema ? NULL : s->name);
}

int vh_workflow_scratch_drop(vh_scratch *s)
{
	PGconn *conn = connect_like(s->like, NULL);
	char sql[200];
	int rc;

	if (s->is_schema)
		snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE", s->name);
	else
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s%s", s->name,
			 !conn || PQserverVersion(conn) >= 130000 ? " WITH (FORCE)" : "");
	if (!conn)
		rc = vh_error_set(VH_ERR_GENERIC, "could not drop the scratch %s %s (%s); run '%s' by hand",
				  s->is_schema ? "schema" : "database", s->name, vh_error_last(), sql);
	else if ((rc = vh_db_exec(conn, "dropping the scratch target", sql)) < 0)
		vh_error_set(VH_ERR_GENERIC, "%s; run '%s' by hand", vh_error_last(), sql);
	PQfinish(conn);
	vh_workflow_scratch_clear(s);
	return rc;
}

void vh_workflow_scratch_clear(vh_scratch *s)
{
	PQconninfoFree(s->like);
	s->like = NULL;
}
