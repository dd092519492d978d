/* vh_fleet_run.c - running a fleet's targets in child processes.
 *
 * The parent has scanned the plugins and built the graph once; each child
 * inherits them through fork(), points its copy of the settings at one
 * target, opens that target's one connection and runs the command with the
 * ordinary single-target code (host/run). At most `jobs` children live at
 * once, so at most `jobs` connections are open. A child's stdout and stderr
 * come back through pipes, prefixed with the target's name line by line,
 * and its result through a third pipe as one tab-separated line:
 *
 *   rc \t sqlstate \t revisions-run \t from \t to \t error
 *
 * SIGINT and SIGTERM are forwarded to the children (whose runner cancels or
 * rolls back, leaving each target at a consistent revision), and no new
 * target starts. A child dies with its parent (PR_SET_PDEATHSIG), so a
 * fleet killed with SIGKILL stops everywhere and a rerun finishes it. */
#include "vh_fleet.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vh_clock.h"
#include "vh_db.h"
#include "vh_error.h"
#include "vh_tables.h"

#define OUT 0 /* the child's stdout */
#define ERR 1 /* its stderr */
#define RES 2 /* its result line */

typedef struct child {
	pid_t pid;
	size_t ti;       /* target index */
	int fd[3];       /* parent's ends; -1 once closed */
	char *buf[3];
	size_t len[3], cap[3];
	double t0;
} child;

typedef struct fleet_run {
	vh_app *app;
	vh_fleet *f;
	const vh_fleet_opts *o;
	vh_fleet_cmd_fn fn;
	int argc;
	char **argv;
	child *kids;     /* jobs slots */
	struct pollfd *pfd; /* 3 per slot */
	size_t *map;     /* pfd[i] is kid map[i] / 3, fd map[i] % 3 */
	size_t jobs, nkids;
	int stop;        /* start no new target */
	int failed;      /* a target of the current batch failed */
	char *usage;     /* a child's usage error: the same for every target */
} fleet_run;

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

/* ---- the child ---------------------------------------------------------- */

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

static void child_main(fleet_run *r, size_t ti, int resfd)
{
	const vh_fleet_target *t = &r->f->t[ti];
	vh_app *app = r->app;
	char *from = NULL, *to = NULL, err[2048] = "", state[6] = "";
	const char *p;
	PGconn *conn;
	vh_graph *g;
	FILE *res;
	int rc, ran = -1;

	if ((rc = vh_fleet_target_config(app->cfg, t)) == 0 && (rc = vh_app_conn(app, &conn)) == 0)
		rc = (from = read_versions(app)) ? 0 : VH_ERR_DB;
	if (rc == 0 && r->o->action != VH_FLEET_ACT_CURRENT)
		rc = r->fn(app, r->argc, r->argv);
	if (rc < 0)
		snprintf(err, sizeof(err), "%s", vh_error_last());
	else if (rc > 0)
		snprintf(err, sizeof(err), "%s exited with status %d", r->argv[0], rc);
	/* The server's SQLSTATE, from the runner's message or the host's own
	 * statements. */
	if ((p = strstr(err, "(SQLSTATE ")) && strlen(p) >= 15)
		snprintf(state, sizeof(state), "%.5s", p + 10);
	else if (rc < 0)
		snprintf(state, sizeof(state), "%s", vh_db_last_sqlstate());
	if (r->o->action <= VH_FLEET_ACT_STAMP)
		to = read_versions(app);
	else if (from)
		to = strdup(from);
	/* Only upgrade and downgrade run revisions; the others read or stamp. */
	if (from && to && r->o->action != VH_FLEET_ACT_UPGRADE &&
	    r->o->action != VH_FLEET_ACT_DOWNGRADE)
		ran = 0;
	else if (from && to && vh_app_graph(app, &g) == 0)
		ran = vh_fleet_count_between(g, from, to);
	if ((res = fdopen(resfd, "w"))) {
		fprintf(res, "%d\t%s\t%d\t", rc, state, ran);
		put_field(res, from ? from : "-", 0);
		put_field(res, to ? to : "-", 0);
		put_field(res, err, 1);
		fclose(res);
	}
	free(from);
	free(to);
	/* The child's own connection, opened after the fork: closed properly,
	 * so the server logs no lost client for each target. */
	if (app->conn)
		PQfinish(app->conn);
	fflush(stdout);
	fflush(stderr);
	/* No atexit handlers: what the child inherited belongs to the parent. */
	_exit(0);
}

/* ---- the parent ---------------------------------------------------------- */

static int spawn(fleet_run *r, size_t ti)
{
	child *c = &r->kids[r->nkids];
	int p[3][2], i, k;
	pid_t parent = getpid(), pid;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < 3; i++) {
		if (pipe(p[i]) < 0) {
			while (i-- > 0)
				close(p[i][0]), close(p[i][1]);
			return vh_error_set(VH_ERR_GENERIC, "cannot make a pipe for a fleet target: %s",
					    strerror(errno));
		}
	}
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0) {
		for (i = 0; i < 3; i++)
			close(p[i][0]), close(p[i][1]);
		return vh_error_set(VH_ERR_GENERIC, "cannot start a process for a fleet target: %s",
				    strerror(errno));
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(1);
		/* The other children's pipes stay with the parent. */
		for (k = 0; k < (int)r->nkids; k++)
			for (i = 0; i < 3; i++)
				if (r->kids[k].fd[i] >= 0)
					close(r->kids[k].fd[i]);
		for (i = 0; i < 3; i++)
			close(p[i][0]);
		dup2(p[OUT][1], STDOUT_FILENO);
		dup2(p[ERR][1], STDERR_FILENO);
		close(p[OUT][1]);
		close(p[ERR][1]);
		child_main(r, ti, p[RES][1]);
	}
	for (i = 0; i < 3; i++) {
		close(p[i][1]);
		c->fd[i] = p[i][0];
	}
	c->pid = pid;
	c->ti = ti;
	c->t0 = vh_clock_ms();
	r->nkids++;
	return 0;
}

/* Prints the complete lines of a child's stdout or stderr, prefixed with
 * the target's name (all that is left at EOF); --json keeps stdout whole. */
static void forward(fleet_run *r, child *c, int which, int eof)
{
	const char *name = r->f->t[c->ti].name;
	FILE *to = which == OUT ? stdout : stderr;
	char *line = c->buf[which], *nl;
	size_t used;

	if (which == RES || (which == OUT && r->o->json))
		return;
	while ((nl = memchr(line, '\n', c->len[which] - (size_t)(line - c->buf[which])))) {
		fprintf(to, "%s: %.*s\n", name, (int)(nl - line), line);
		line = nl + 1;
	}
	used = (size_t)(line - c->buf[which]);
	if (eof && used < c->len[which]) {
		fprintf(to, "%s: %.*s\n", name, (int)(c->len[which] - used), line);
		used = c->len[which];
	}
	memmove(c->buf[which], line, c->len[which] - used);
	c->len[which] -= used;
}

/* Reads what fd `which` of child c has; closes it at EOF. */
static void drain(fleet_run *r, child *c, int which)
{
	char *grown;
	ssize_t got;

	if (c->cap[which] - c->len[which] < 4096) {
		if (!(grown = realloc(c->buf[which], c->cap[which] + 8192)))
			return;
		c->buf[which] = grown;
		c->cap[which] += 8192;
	}
	got = read(c->fd[which], c->buf[which] + c->len[which], c->cap[which] - c->len[which] - 1);
	if (got < 0 && errno == EINTR)
		return;
	if (got > 0) {
		c->len[which] += (size_t)got;
		forward(r, c, which, 0);
		return;
	}
	forward(r, c, which, 1);
	close(c->fd[which]);
	c->fd[which] = -1;
}

/* Takes the result line into the target. */
static void settle(fleet_run *r, child *c, int status)
{
	vh_fleet_target *t = &r->f->t[c->ti];
	char *fields[6] = {0}, *s;
	int i, rc;

	t->ms = vh_clock_ms() - c->t0;
	if (c->buf[RES])
		c->buf[RES][c->len[RES]] = '\0';
	s = c->buf[RES] ? c->buf[RES] : (char *)"";
	for (i = 0; i < 6; i++)
		fields[i] = strsep(&s, i == 5 ? "\n" : "\t");
	if (!fields[5]) {
		t->outcome = got_signal ? VH_FLEET_INTERRUPTED : VH_FLEET_FAILED;
		if (WIFSIGNALED(status))
			i = asprintf(&t->error, "the process for this target was killed by signal %d "
				     "(%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
		else
			i = asprintf(&t->error, "the process for this target ended without a result "
				     "(exit status %d)", WEXITSTATUS(status));
		if (i < 0)
			t->error = NULL;
		return;
	}
	rc = atoi(fields[0]);
	snprintf(t->sqlstate, sizeof(t->sqlstate), "%s", fields[1]);
	t->ran = atoi(fields[2]);
	free(t->from);
	free(t->to);
	t->from = strcmp(fields[3], "-") ? strdup(fields[3]) : NULL;
	t->to = strcmp(fields[4], "-") ? strdup(fields[4]) : NULL;
	if (rc == VH_ERR_USAGE && !r->usage) {
		r->usage = strdup(fields[5]);
		r->stop = 1;
	}
	if (rc != 0) {
		t->outcome = got_signal ? VH_FLEET_INTERRUPTED : VH_FLEET_FAILED;
		t->error = strdup(*fields[5] ? fields[5] : "failed");
	} else if (r->o->action <= VH_FLEET_ACT_STAMP && t->from && t->to && !strcmp(t->from, t->to)) {
		t->outcome = VH_FLEET_NOTHING;
	} else {
		t->outcome = VH_FLEET_OK;
	}
	if (r->o->json && c->len[OUT]) {
		t->output = c->buf[OUT];
		t->output_len = c->len[OUT];
		c->buf[OUT] = NULL;
	}
}

/* Waits for what the children say; reaps those that are done. */
static void wait_some(fleet_run *r)
{
	struct pollfd *pfd = r->pfd;
	size_t *map = r->map, n = 0, k;
	int i, status;

	if (got_signal && !r->stop) {
		r->stop = 1;
		for (k = 0; k < r->nkids; k++)
			kill(r->kids[k].pid, got_signal);
	}
	for (k = 0; k < r->nkids; k++)
		for (i = 0; i < 3; i++)
			if (r->kids[k].fd[i] >= 0) {
				pfd[n].fd = r->kids[k].fd[i];
				pfd[n].events = POLLIN;
				map[n++] = k * 3 + (size_t)i;
			}
	if (n && poll(pfd, n, 250) > 0)
		for (k = 0; k < n; k++)
			if (pfd[k].revents)
				drain(r, &r->kids[map[k] / 3], (int)(map[k] % 3));
	for (k = 0; k < r->nkids;) {
		child *c = &r->kids[k];

		if (c->fd[OUT] >= 0 || c->fd[ERR] >= 0 || c->fd[RES] >= 0) {
			k++;
			continue;
		}
		while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
			;
		settle(r, c, status);
		if (r->f->t[c->ti].outcome == VH_FLEET_FAILED ||
		    r->f->t[c->ti].outcome == VH_FLEET_INTERRUPTED) {
			r->failed = 1;
			if (!r->o->keep_going)
				r->stop = 1;
		}
		for (i = 0; i < 3; i++)
			free(c->buf[i]);
		*c = r->kids[--r->nkids];
	}
}

/* Runs targets order[0..n) with at most `jobs` at once. */
static int run_batch(fleet_run *r, const size_t *order, size_t n)
{
	size_t next = 0;
	int rc = 0;

	r->failed = 0;
	while ((next < n && !r->stop) || r->nkids) {
		while (rc == 0 && !r->stop && !got_signal && next < n && r->nkids < r->jobs)
			if ((rc = spawn(r, order[next++])) < 0)
				r->stop = 1;
		if (r->nkids)
			wait_some(r);
	}
	return rc;
}

int vh_fleet_run_children(vh_app *app, vh_fleet *f, const vh_fleet_opts *o, vh_fleet_cmd_fn fn,
			  int argc, char **argv)
{
	struct sigaction sa = {0}, old_int, old_term;
	fleet_run r = {0};
	size_t *order, n = 0, i, canary;
	int rc = 0;

	r.app = app;
	r.f = f;
	r.o = o;
	r.fn = fn;
	r.argc = argc;
	r.argv = argv;
	r.jobs = (size_t)(o->jobs > 0 ? o->jobs : f->jobs);
	order = malloc((f->n + 1) * sizeof(*order));
	r.kids = calloc(r.jobs, sizeof(*r.kids));
	r.pfd = calloc(r.jobs * 3, sizeof(*r.pfd));
	r.map = calloc(r.jobs * 3, sizeof(*r.map));
	if (!order || !r.kids || !r.pfd || !r.map) {
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < f->n; i++)
		if (f->t[i].outcome == VH_FLEET_PENDING)
			order[n++] = i;
	got_signal = 0;
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	/* Canaries first, alone: the rest only when every one succeeded. */
	canary = o->canary > 0 && (size_t)o->canary < n ? (size_t)o->canary : 0;
	if (canary) {
		rc = run_batch(&r, order, canary);
		if (r.failed)
			r.stop = 1;
		if (!r.stop)
			vh_app_info(app, "fleet %s: %zu canar%s succeeded; running the other %zu target%s",
				    f->name, canary, canary == 1 ? "y" : "ies", n - canary,
				    n - canary == 1 ? "" : "s");
	}
	if (rc == 0 && !r.stop)
		rc = run_batch(&r, order + canary, n - canary);

	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	for (i = 0; i < f->n; i++) {
		vh_fleet_target *t = &f->t[i];

		if (t->outcome != VH_FLEET_PENDING)
			continue;
		t->outcome = VH_FLEET_SKIPPED; /* never started */
		if (t->from && !t->to)
			t->to = strdup(t->from); /* untouched */
	}
	/* A bad option fails alike everywhere: say it once, as usage. */
	if (r.usage && rc == 0)
		rc = vh_error_set(VH_ERR_USAGE, "%s", r.usage);
done:
	free(r.usage);
	free(order);
	free(r.kids);
	free(r.pfd);
	free(r.map);
	return rc;
}
