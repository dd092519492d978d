/* vh_lint_render.c - rendering revisions for lint, in a child process.
 *
 * Lint runs revision code (upgrade() and downgrade() against the recording
 * context) before `upgrade` runs anything; a revision that crashes, calls
 * exit() or dereferences the NULL vh_conn() offline must not take the host
 * down with it, or the gate would turn a revision's bug into an upgrade that
 * dies without saying why. So the plugins are loaded and run in a forked
 * child that sends back, per revision, both scripts, what stopped them, and
 * the revision's VHOST_LINT_IGNORE list, as one length-prefixed frame of
 * length-prefixed strings over a pipe. One child renders the whole plan (a
 * child per revision made the lint gate cost more than a 1,000-revision
 * upgrade itself); when it dies, the revision it was rendering is the one
 * that killed it, and a new child carries on with the next. */
#include "vh_lint_int.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vh_error.h"
#include "vh_loader.h"
#include "vh_run.h"
#include "vh_sdk_host.h"

/* VHOST_LINT_IGNORE(rule, why) exports `vh_lint_ignore_<N>` = "rule\0why"
 * with N from __COUNTER__; numbers may have gaps (the author's own
 * __COUNTER__ uses), hence the fixed range. */
#define VH_LINT_IGNORE_MAX 64

/* ---------------------------------------------------------------------
 * The child
 * --------------------------------------------------------------------- */

static int put(FILE *f, const char *s, size_t n)
{
	uint32_t len = (uint32_t)n;

	return fwrite(&len, sizeof(len), 1, f) == 1 && (n == 0 || fwrite(s, n, 1, f) == 1) ? 0 : -1;
}

static int put_str(FILE *f, const char *s)
{
	return put(f, s ? s : "", s ? strlen(s) : 0);
}

/* One direction: its status ("0" rendered, "1" needed the server, "2"
 * failed), why, and the script. */
static void child_direction(FILE *f, const vh_plugin *p, const vh_revision *rev,
			    const char *schema, int up)
{
	vh_ctx *ctx = NULL;
	const char *online = NULL;
	int rc = vh_offline_record(p, rev, schema, up, NULL, 0, &ctx);

	if (!ctx) {
		put_str(f, "2");
		put_str(f, "out of memory");
		put_str(f, "");
		return;
	}
	if (vh_ctx_needs_online(ctx, &online)) {
		put_str(f, "1");
		put_str(f, online);
	} else if (rc != 0) {
		put_str(f, "2");
		put_str(f, *vh_last_error(ctx)->message ? vh_last_error(ctx)->message
						     : "it returned an error without a message");
	} else {
		put_str(f, "0");
		put_str(f, "");
	}
	put_str(f, vh_ctx_script(ctx));
	vh_ctx_free(ctx);
}

/* One revision's message into `f`. */
static void child_revision(FILE *f, const vh_revision *rev, const char *schema)
{
	vh_plugin p;
	int k;

	if (vh_plugin_open(&p, rev) < 0) {
		put_str(f, "E");
		put_str(f, vh_error_last());
		vh_error_clear();
		return;
	}
	put_str(f, "R");
	child_direction(f, &p, rev, schema, 1);
	child_direction(f, &p, rev, schema, 0);
	for (k = 0; k < VH_LINT_IGNORE_MAX; k++) {
		char sym[32];
		const char *rule;

		snprintf(sym, sizeof(sym), "vh_lint_ignore_%d", k);
		if ((rule = dlsym(p.handle, sym)) != NULL) {
			put_str(f, rule);
			put_str(f, rule + strlen(rule) + 1);
		}
	}
	vh_plugin_close(&p);
}

/* Renders revs[from..n-1], one frame each, flushed as it goes so that a
 * crash cuts the frame of the revision that caused it, not an earlier one. */
static void child_main(int fd, const vh_revision *const *revs, size_t from, size_t n,
		       const char *schema)
{
	FILE *out = fdopen(fd, "w");
	size_t i;

	if (!out)
		_exit(3);
	for (i = from; i < n; i++) {
		char *msg = NULL;
		size_t len = 0;
		FILE *f;

		if (vh_lint_cache_has(revs[i])) /* the parent has it (see below) */
			continue;
		if (!(f = open_memstream(&msg, &len)))
			_exit(3);
		child_revision(f, revs[i], schema);
		if (fclose(f) != 0 || put(out, msg, len) < 0 || fflush(out) != 0)
			_exit(3);
		free(msg);
	}
	_exit(fclose(out) == 0 ? 0 : 3);
}

/* ---------------------------------------------------------------------
 * The parent
 * --------------------------------------------------------------------- */

/* Reads exactly n bytes; 0, or 1 at an early end (the child died). */
static int read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;
	ssize_t k;

	while (got < n) {
		k = read(fd, (char *)buf + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return 1;
		got += (size_t)k;
	}
	return 0;
}

/* The next string of the child's message, malloc'd; NULL at a cut end. */
static char *get(const char *buf, size_t len, size_t *pos)
{
	uint32_t n;
	char *s;

	if (*pos + sizeof(n) > len)
		return NULL;
	memcpy(&n, buf + *pos, sizeof(n));
	*pos += sizeof(n);
	if (n > len - *pos || !(s = malloc((size_t)n + 1)))
		return NULL;
	memcpy(s, buf + *pos, n);
	s[n] = '\0';
	*pos += n;
	return s;
}

void vh_lint_rendered_clear(vh_lint_rendered *r)
{
	size_t i;

	for (i = 0; i < 2; i++) {
		free(r->why[i]);
		free(r->script[i]);
	}
	for (i = 0; i < r->nignores * 2; i++)
		free(r->ignores[i]);
	free(r->ignores);
	memset(r, 0, sizeof(*r));
}

/* Decodes the child's message into *r; 0, or 1 when it is cut short. */
static int decode(const char *buf, size_t len, vh_lint_rendered *r)
{
	size_t pos = 0, d;
	char *tag = get(buf, len, &pos), *st;
	int cut = 0;

	if (!tag)
		return 1;
	if (tag[0] == 'E') {
		free(tag);
		r->load_error = get(buf, len, &pos);
		return r->load_error ? 0 : 1;
	}
	free(tag);
	for (d = 0; d < 2 && !cut; d++) {
		st = get(buf, len, &pos);
		r->why[d] = get(buf, len, &pos);
		r->script[d] = get(buf, len, &pos);
		cut = !st || !r->why[d] || !r->script[d];
		r->status[d] = st ? atoi(st) : 2;
		free(st);
	}
	while (!cut && pos < len) {
		char **v = realloc(r->ignores, (r->nignores + 1) * 2 * sizeof(*v));

		if (!v)
			return 1;
		r->ignores = v;
		v[r->nignores * 2] = get(buf, len, &pos);
		v[r->nignores * 2 + 1] = get(buf, len, &pos);
		cut = !v[r->nignores * 2] || !v[r->nignores * 2 + 1];
		r->nignores++;
	}
	return cut;
}

struct vh_lint_renderer {
	const vh_revision *const *revs;
	size_t n;
	const char *schema;
	pid_t pid; /* the child, or 0 */
	int fd;    /* its pipe */
};

vh_lint_renderer *vh_lint_renderer_new(const vh_revision *const *revs, size_t n,
				       const char *schema)
{
	vh_lint_renderer *z = calloc(1, sizeof(*z));

	if (z) {
		z->revs = revs;
		z->n = n;
		z->schema = schema;
		z->fd = -1;
	}
	return z;
}

/* Waits for the child; its status, or -1. */
static int reap(vh_lint_renderer *z)
{
	int st = -1;

	if (z->fd >= 0)
		close(z->fd);
	z->fd = -1;
	if (z->pid > 0)
		while (waitpid(z->pid, &st, 0) < 0 && errno == EINTR)
			;
	z->pid = 0;
	return st;
}

void vh_lint_renderer_free(vh_lint_renderer *z)
{
	if (!z)
		return;
	if (z->pid > 0)
		kill(z->pid, SIGKILL);
	reap(z);
	free(z);
}

static int spawn(vh_lint_renderer *z, size_t from)
{
	int fds[2];

	if (pipe(fds) < 0)
		return vh_error_set(VH_ERR_GENERIC, "lint: pipe: %s", strerror(errno));
	fflush(NULL); /* nothing buffered may be written twice */
	if ((z->pid = fork()) < 0) {
		z->pid = 0;
		close(fds[0]);
		close(fds[1]);
		return vh_error_set(VH_ERR_GENERIC, "lint: fork: %s", strerror(errno));
	}
	if (z->pid == 0) {
		/* What the revision logs, or a sanitizer's crash report, is for
		 * the run, not for the gate before it. */
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0)
			dup2(null, STDERR_FILENO);
		close(fds[0]);
		child_main(fds[1], z->revs, from, z->n, z->schema);
	}
	close(fds[1]);
	z->fd = fds[0];
	return 0;
}

int vh_lint_renderer_next(vh_lint_renderer *z, size_t i, vh_lint_rendered *r)
{
	char *buf = NULL;
	uint32_t len;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	/* A fleet rendered it once for every target (vh_lint_cache.c); the
	 * child, forked with the same cache, skips it too. */
	if (vh_lint_cache_get(r, z->revs[i]))
		return 0;
	if (z->pid == 0 && (rc = spawn(z, i)) < 0)
		return rc;
	if (read_full(z->fd, &len, sizeof(len)) == 0 && (buf = malloc(len ? len : 1)) &&
	    read_full(z->fd, buf, len) == 0) {
		r->crashed = decode(buf, len, r);
	} else {
		/* The child died rendering revision i: say how; the next
		 * revision gets a new child. */
		int st = reap(z);
		char how[64];

		if (!buf && st < 0)
			rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		if (st >= 0 && WIFSIGNALED(st))
			snprintf(how, sizeof(how), "was killed by signal %d (%s)", WTERMSIG(st),
				 strsignal(WTERMSIG(st)));
		else
			snprintf(how, sizeof(how), "exited with status %d",
				 st >= 0 ? WEXITSTATUS(st) : -1);
		r->crashed = 1;
		free(r->why[0]);
		r->why[0] = strdup(how);
	}
	free(buf);
	if (i + 1 == z->n && z->pid > 0)
		reap(z);
	if (rc == 0 && r->load_error)
		rc = vh_error_set(VH_ERR_GENERIC, "%s", r->load_error);
	free(r->load_error);
	r->load_error = NULL;
	return rc;
}

int vh_lint_render(vh_lint_rendered *r, const vh_revision *rev, const char *schema)
{
	vh_lint_renderer *z = vh_lint_renderer_new(&rev, 1, schema);
	int rc;

	if (!z) {
		memset(r, 0, sizeof(*r));
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	rc = vh_lint_renderer_next(z, 0, r);
	vh_lint_renderer_free(z);
	return rc;
}
