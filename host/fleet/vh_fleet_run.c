/* vh_fleet_run.c - running a fleet's targets in worker processes.
 *
 * At most `jobs` workers (vh_fleet_worker.c) live at once, each with at
 * most one connection, so at most `jobs` connections are open. The parent
 * hands each idle worker the next target's index through a pipe; the
 * worker's stdout and stderr come back through two more, prefixed with the
 * target's name line by line, and its result through a fourth as one
 * tab-separated line per target:
 *
 *   rc \t sqlstate \t revisions-run \t from \t to \t error
 *
 * The worker flushes what the target printed before that line, so when the
 * parent reads it, everything still in the output pipes is that target's.
 *
 * SIGINT and SIGTERM are forwarded to the workers (whose runner cancels or
 * rolls back, leaving each target at a consistent revision), and no new
 * target starts. A worker dies with its parent (PR_SET_PDEATHSIG), so a
 * fleet killed with SIGKILL stops everywhere and a rerun finishes it. */
#include "vh_fleet.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vh_clock.h"
#include "vh_error.h"

#define OUT 0 /* the worker's stdout */
#define ERR 1 /* its stderr */
#define RES 2 /* its result lines */

typedef struct worker {
	pid_t pid;
	int fd[3];       /* parent's read ends; -1 once closed */
	int cmd;         /* parent's write end of the worker's target pipe; -1 once closed */
	long ti;         /* the target it runs, -1 when idle */
	char *buf[3];
	size_t len[3], cap[3];
	double t0;
} worker;

typedef struct fleet_run {
	vh_fleet_work w;
	vh_fleet *f;
	const vh_fleet_opts *o;
	worker *kids;       /* jobs slots */
	struct pollfd *pfd; /* 3 per slot */
	size_t *map;        /* pfd[i] is kid map[i] / 3, fd map[i] % 3 */
	size_t jobs, nkids;
	int stop;           /* start no new target */
	int failed;         /* a target of the current batch failed */
	char *usage;        /* a worker's usage error: the same for every target */
} fleet_run;

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static int start_worker(fleet_run *r)
{
	worker *c = &r->kids[r->nkids];
	int p[4][2], i, k;
	pid_t parent = getpid(), pid;

	memset(c, 0, sizeof(*c));
	c->ti = -1;
	for (i = 0; i < 4; i++) {
		if (pipe(p[i]) < 0) {
			while (i-- > 0)
				close(p[i][0]), close(p[i][1]);
			return vh_error_set(VH_ERR_GENERIC, "cannot make a pipe for a fleet worker: %s",
					    strerror(errno));
		}
	}
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0) {
		for (i = 0; i < 4; i++)
			close(p[i][0]), close(p[i][1]);
		return vh_error_set(VH_ERR_GENERIC, "cannot start a process for a fleet: %s",
				    strerror(errno));
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(1);
		/* The other workers' pipes stay with the parent. */
		for (k = 0; k < (int)r->nkids; k++) {
			for (i = 0; i < 3; i++)
				if (r->kids[k].fd[i] >= 0)
					close(r->kids[k].fd[i]);
			if (r->kids[k].cmd >= 0)
				close(r->kids[k].cmd);
		}
		for (i = 0; i < 3; i++)
			close(p[i][0]);
		close(p[3][1]);
		dup2(p[OUT][1], STDOUT_FILENO);
		dup2(p[ERR][1], STDERR_FILENO);
		close(p[OUT][1]);
		close(p[ERR][1]);
		vh_fleet_worker_main(&r->w, p[3][0], p[RES][1]);
	}
	for (i = 0; i < 3; i++) {
		close(p[i][1]);
		c->fd[i] = p[i][0];
		fcntl(c->fd[i], F_SETFL, fcntl(c->fd[i], F_GETFL) | O_NONBLOCK);
	}
	close(p[3][0]);
	c->cmd = p[3][1];
	c->pid = pid;
	r->nkids++;
	return 0;
}

/* Hands target ti to idle worker c; -1 when the worker is gone. */
static int assign(worker *c, size_t ti)
{
	char line[32];
	int n = snprintf(line, sizeof(line), "%zu\n", ti);

	if (c->cmd < 0 || write(c->cmd, line, (size_t)n) != n) {
		if (c->cmd >= 0)
			close(c->cmd);
		c->cmd = -1;
		return -1;
	}
	c->ti = (long)ti;
	c->t0 = vh_clock_ms();
	return 0;
}

/* Prints the complete lines of a worker's stdout or stderr, prefixed with
 * its target's name (all that is left, at the target's end); --json keeps
 * stdout whole for the target. */
static void forward(fleet_run *r, worker *c, int which, int end)
{
	const char *name = c->ti >= 0 ? r->f->t[c->ti].name : r->f->name;
	FILE *to = which == OUT ? stdout : stderr;
	char *line = c->buf[which], *nl;
	size_t used;

	if (which == RES || (which == OUT && r->o->json) || !line)
		return;
	while ((nl = memchr(line, '\n', c->len[which] - (size_t)(line - c->buf[which])))) {
		fprintf(to, "%s: %.*s\n", name, (int)(nl - line), line);
		line = nl + 1;
	}
	used = (size_t)(line - c->buf[which]);
	if (end && used < c->len[which]) {
		fprintf(to, "%s: %.*s\n", name, (int)(c->len[which] - used), line);
		used = c->len[which];
	}
	memmove(c->buf[which], line, c->len[which] - used);
	c->len[which] -= used;
}

/* Reads what fd `which` of worker c has: 1 read something, 0 EOF (now
 * closed), -1 nothing there now. */
static int drain(fleet_run *r, worker *c, int which)
{
	char *grown;
	ssize_t got;

	if (c->fd[which] < 0)
		return 0;
	if (c->cap[which] - c->len[which] < 4096) {
		if (!(grown = realloc(c->buf[which], c->cap[which] + 8192)))
			return -1;
		c->buf[which] = grown;
		c->cap[which] += 8192;
	}
	got = read(c->fd[which], c->buf[which] + c->len[which], c->cap[which] - c->len[which] - 1);
	if (got < 0)
		return -1; /* EAGAIN, EINTR */
	if (got > 0) {
		c->len[which] += (size_t)got;
		forward(r, c, which, 0);
		return 1;
	}
	forward(r, c, which, 1);
	close(c->fd[which]);
	c->fd[which] = -1;
	return 0;
}

/* Ends worker c's target: its outcome (failed or interrupted, or from the
 * result line), and a stop unless --keep-going. */
static void finish(fleet_run *r, worker *c, int outcome)
{
	vh_fleet_target *t = &r->f->t[c->ti];

	if (outcome)
		t->outcome = outcome;
	if (t->outcome == VH_FLEET_FAILED || t->outcome == VH_FLEET_INTERRUPTED) {
		r->failed = 1;
		if (!r->o->keep_going)
			r->stop = 1;
	}
	c->ti = -1;
}

/* Takes result line `line` into worker c's target. */
static void settle(fleet_run *r, worker *c, char *line)
{
	vh_fleet_target *t = &r->f->t[c->ti];
	char *fields[6] = {0}, *s = line;
	int i, rc;

	/* Everything the target printed is in the pipes by now. */
	while (drain(r, c, OUT) > 0 || drain(r, c, ERR) > 0)
		;
	forward(r, c, OUT, 1);
	forward(r, c, ERR, 1);
	t->ms = vh_clock_ms() - c->t0;
	for (i = 0; i < 6; i++)
		fields[i] = strsep(&s, "\t");
	if (!fields[5]) {
		t->error = strdup("the fleet worker sent a malformed result");
		finish(r, c, VH_FLEET_FAILED);
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
		c->len[OUT] = c->cap[OUT] = 0;
	}
	c->len[OUT] = 0;
	finish(r, c, 0);
}

/* Settles every complete result line worker c has sent. */
static void results(fleet_run *r, worker *c)
{
	char *nl;
	size_t used;

	while (c->buf[RES] && (nl = memchr(c->buf[RES], '\n', c->len[RES]))) {
		*nl = '\0';
		if (c->ti >= 0)
			settle(r, c, c->buf[RES]);
		used = (size_t)(nl + 1 - c->buf[RES]);
		memmove(c->buf[RES], nl + 1, c->len[RES] - used);
		c->len[RES] -= used;
	}
}

/* A worker that ended: its target, if it had one, never sent a result. */
static void reap(fleet_run *r, worker *c)
{
	int status = 0, i;

	while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
		;
	if (c->ti >= 0) {
		vh_fleet_target *t = &r->f->t[c->ti];

		t->ms = vh_clock_ms() - c->t0;
		if (WIFSIGNALED(status))
			i = asprintf(&t->error, "the process for this target was killed by signal %d "
				     "(%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
		else
			i = asprintf(&t->error, "the process for this target ended without a result "
				     "(exit status %d)", WEXITSTATUS(status));
		if (i < 0)
			t->error = NULL;
		finish(r, c, got_signal ? VH_FLEET_INTERRUPTED : VH_FLEET_FAILED);
	}
	if (c->cmd >= 0)
		close(c->cmd);
	for (i = 0; i < 3; i++)
		free(c->buf[i]);
	*c = r->kids[--r->nkids];
}

/* Waits for what the workers say; settles finished targets and reaps the
 * workers that ended. */
static void wait_some(fleet_run *r)
{
	struct pollfd *pfd = r->pfd;
	size_t *map = r->map, n = 0, k;
	int i;

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
			if (pfd[k].revents) {
				worker *c = &r->kids[map[k] / 3];
				int which = (int)(map[k] % 3);

				while (drain(r, c, which) > 0 && which == RES)
					;
				if (which == RES)
					results(r, c);
			}
	for (k = 0; k < r->nkids;) {
		worker *c = &r->kids[k];

		if (c->fd[OUT] >= 0 || c->fd[ERR] >= 0 || c->fd[RES] >= 0)
			k++;
		else
			reap(r, c);
	}
}

/* Runs targets order[0..n) with at most `jobs` at once; returns when all
 * that started have ended (the workers stay for the next batch). */
static int run_batch(fleet_run *r, const size_t *order, size_t n)
{
	size_t next = 0, k, busy;
	int rc = 0;

	r->failed = 0;
	for (;;) {
		for (k = 0; k < r->nkids && next < n && !r->stop && !got_signal; k++)
			if (r->kids[k].ti < 0 && assign(&r->kids[k], order[next]) == 0)
				next++;
		while (rc == 0 && !r->stop && !got_signal && next < n && r->nkids < r->jobs) {
			if ((rc = start_worker(r)) < 0)
				r->stop = 1;
			else if (assign(&r->kids[r->nkids - 1], order[next]) == 0)
				next++;
		}
		for (k = 0, busy = 0; k < r->nkids; k++)
			busy += r->kids[k].ti >= 0;
		if (!busy && (next >= n || r->stop || got_signal || rc < 0))
			break;
		if (r->nkids)
			wait_some(r);
	}
	return rc;
}

/* No more targets: each worker finishes and exits. */
static void end_workers(fleet_run *r)
{
	size_t k;

	for (k = 0; k < r->nkids; k++)
		if (r->kids[k].cmd >= 0) {
			close(r->kids[k].cmd);
			r->kids[k].cmd = -1;
		}
	while (r->nkids)
		wait_some(r);
}
int vh_fleet_run_children(vh_app *app, vh_fleet *f, const vh_fleet_opts *o, vh_fleet_cmd_fn fn,
			  int argc, char **argv)
{
	struct sigaction sa = {0}, ign = {0}, old_int, old_term, old_pipe;
	fleet_run r = {0};
	size_t *order, n = 0, i, canary;
	int rc = 0;

	r.w.app = app;
	r.w.f = f;
	r.w.o = o;
	r.w.fn = fn;
	r.w.argc = argc;
	r.w.argv = argv;
	r.f = f;
	r.o = o;
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
	/* A worker that died: its pipe's write fails, not the fleet. */
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old_pipe);

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
	end_workers(&r);

	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
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
