/* vh_lint_render.c - rendering one revision for lint, in a child process.
 *
 * Lint runs revision code (upgrade() and downgrade() against the recording
 * context) before `upgrade` runs anything; a revision that crashes, calls
 * exit() or dereferences the NULL vh_conn() offline must not take the host
 * down with it, or the gate would turn a revision's bug into an upgrade that
 * dies without saying why. So the plugin is loaded and run in a forked child
 * that sends back both scripts, what stopped them, and the revision's
 * VHOST_LINT_IGNORE list, as length-prefixed strings over a pipe. */
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

static void child_main(int fd, const vh_revision *rev, const char *schema)
{
	FILE *f = fdopen(fd, "w");
	vh_plugin p;
	int k;

	if (!f)
		_exit(3);
	if (vh_plugin_open(&p, rev) < 0) {
		put_str(f, "E");
		put_str(f, vh_error_last());
		fclose(f);
		_exit(0);
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
	_exit(fclose(f) == 0 ? 0 : 3);
}

/* ---------------------------------------------------------------------
 * The parent
 * --------------------------------------------------------------------- */

/* Reads everything the child wrote. */
static int slurp(int fd, char **buf, size_t *len)
{
	size_t cap = 4096;
	ssize_t n;

	*len = 0;
	if (!(*buf = malloc(cap)))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	for (;;) {
		if (*len == cap) {
			char *b = realloc(*buf, cap *= 2);

			if (!b)
				return vh_error_set(VH_ERR_NOMEM, "out of memory");
			*buf = b;
		}
		n = read(fd, *buf + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		*len += (size_t)n;
	}
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

int vh_lint_render(vh_lint_rendered *r, const vh_revision *rev, const char *schema)
{
	char *buf = NULL;
	size_t len = 0;
	int fds[2], st = 0, rc;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	/* A fleet rendered it once for every target (vh_lint_cache.c). */
	if (vh_lint_cache_get(r, rev))
		return 0;
	if (pipe(fds) < 0)
		return vh_error_set(VH_ERR_GENERIC, "lint: pipe: %s", strerror(errno));
	fflush(NULL); /* nothing buffered may be written twice */
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return vh_error_set(VH_ERR_GENERIC, "lint: fork: %s", strerror(errno));
	}
	if (pid == 0) {
		/* What the revision logs, or a sanitizer's crash report, is for
		 * the run, not for the gate before it. */
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0)
			dup2(null, STDERR_FILENO);
		close(fds[0]);
		child_main(fds[1], rev, schema);
	}
	close(fds[1]);
	rc = slurp(fds[0], &buf, &len);
	close(fds[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (rc == 0) {
		r->crashed = !WIFEXITED(st) || WEXITSTATUS(st) != 0 || decode(buf, len, r);
		if (r->crashed) {
			char how[64];

			if (WIFSIGNALED(st))
				snprintf(how, sizeof(how), "was killed by signal %d (%s)", WTERMSIG(st),
					 strsignal(WTERMSIG(st)));
			else
				snprintf(how, sizeof(how), "exited with status %d", WEXITSTATUS(st));
			free(r->why[0]);
			r->why[0] = strdup(how);
		}
	}
	free(buf);
	if (rc == 0 && r->load_error)
		rc = vh_error_set(VH_ERR_GENERIC, "%s", r->load_error);
	free(r->load_error);
	r->load_error = NULL;
	return rc;
}
