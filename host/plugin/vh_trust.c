/* vh_trust.c - the StrictModes rule for plugins (see vh_trust.h): the file
 * that will really be loaded, the directory holding it and every directory
 * above, up to the root. */
#include "vh_trust.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vh_error.h"

/* "root", or "uid 1000 (deploy)" for messages. */
static void vh__owner(uid_t uid, char *buf, size_t len)
{
	struct passwd *pw = uid == 0 ? NULL : getpwuid(uid);

	if (uid == 0)
		snprintf(buf, len, "root");
	else if (pw)
		snprintf(buf, len, "uid %u (%s)", (unsigned)uid, pw->pw_name);
	else
		snprintf(buf, len, "uid %u", (unsigned)uid);
}

/* What a refusal says is being loaded, for `kind`. */
static void vh__what(char *buf, size_t len, int kind, const char *subject)
{
	if (kind == VH_TRUST_FILE)
		snprintf(buf, len, "a plugin");
	else
		snprintf(buf, len, "%s from %sa directory", subject ? subject : "plugins",
			 kind == VH_TRUST_ABOVE ? "under " : "");
}

/* geteuid(), asked once: it is a system call, and the scan checks 10,000
 * files with it; vhost never changes its user. */
static uid_t vh__me(void)
{
	static uid_t me = (uid_t)-1;

	if (me == (uid_t)-1)
		me = geteuid();
	return me;
}

/* See vh_trust.h. */
int vh_trust_stat(const char *path, const struct stat *st, int kind,
		  const char *subject)
{
	unsigned mode = (unsigned)(st->st_mode & 07777);
	uid_t me = vh__me();
	char owner[128], what[PATH_MAX + 64];
	struct passwd *pw;
	const char *bits;

	if (st->st_uid != 0 && st->st_uid != me) {
		vh__owner(st->st_uid, owner, sizeof(owner));
		pw = getpwuid(me);
		vh__what(what, sizeof(what), kind, subject);
		return vh_error_set(VH_ERR_GENERIC,
				    "%s: refusing to load %s owned by another user (%s, mode %04o); "
				    "fix with chown %s '%s', or pass --insecure-plugins for development",
				    path, what, owner, mode, pw ? pw->pw_name : "root", path);
	}
	if (!(mode & (S_IWGRP | S_IWOTH)))
		return 0;
	/* Others may add names to /tmp but not replace ours: fine above a
	 * plugin, never for the directory that decides what the plugins are. */
	if (kind == VH_TRUST_ABOVE && (mode & S_ISVTX) && st->st_uid == 0)
		return 0;
	bits = mode & S_IWOTH ? "o" : "g";
	vh__owner(st->st_uid, owner, sizeof(owner));
	vh__what(what, sizeof(what), kind, subject);
	return vh_error_set(VH_ERR_GENERIC,
			    "%s: refusing to load %s that is %s-writable (mode %04o), owned by %s; "
			    "fix with chmod %s-w '%s', or pass --insecure-plugins for development",
			    path, what, mode & S_IWOTH ? "world" : "group", mode, owner,
			    (mode & S_IWOTH) && (mode & S_IWGRP) ? "go" : bits, path);
}

void vh_trust_cache_free(vh_trust_cache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++)
		free(c->dirs[i]);
	free(c->dirs);
	free(c->holder);
	memset(c, 0, sizeof(*c));
}

/* Index of `dir` in the cache, or -1. */
static long vh__cached(const vh_trust_cache *c, const char *dir)
{
	size_t i;

	for (i = 0; c && i < c->n; i++)
		if (strcmp(c->dirs[i], dir) == 0)
			return (long)i;
	return -1;
}

/* Remembers that `dir` passed (as a holder when `holder`). Out of memory
 * only costs a second check later, so it is not an error. */
static void vh__remember(vh_trust_cache *c, const char *dir, int holder)
{
	long at = vh__cached(c, dir);
	char **d;
	unsigned char *h;

	if (!c)
		return;
	if (at >= 0) {
		c->holder[at] |= (unsigned char)holder;
		return;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;

		if (!(d = realloc(c->dirs, cap * sizeof(*d))))
			return;
		c->dirs = d;
		if (!(h = realloc(c->holder, cap)))
			return;
		c->holder = h;
		c->cap = cap;
	}
	if ((c->dirs[c->n] = strdup(dir)) != NULL)
		c->holder[c->n++] = (unsigned char)holder;
}

/* See vh_trust.h. Walks up by cutting the last component, so `dir` must be
 * absolute and free of symlinks, "." and "..": what vh_trust_real_path and
 * realpath() give. */
int vh_trust_dirs(vh_trust_cache *c, const char *dir, int holder,
		  const char *subject)
{
	char cur[PATH_MAX], *slash;
	struct stat st;
	long at;
	int first = 1, error;
	size_t len = strlen(dir);

	if (len == 0 || len >= sizeof(cur) || dir[0] != '/')
		return vh_error_set(VH_ERR_GENERIC, "%s: not an absolute path", dir);
	memcpy(cur, dir, len + 1);
	for (;;) {
		at = vh__cached(c, cur);
		if (at >= 0 && (!first || !holder || c->holder[at]))
			break; /* it and everything above passed before */
		if (stat(cur, &st) < 0)
			return vh_error_set(VH_ERR_GENERIC, "%s: %s", cur, strerror(errno));
		if ((error = vh_trust_stat(cur, &st, first && holder ? VH_TRUST_HOLDER :
					   VH_TRUST_ABOVE, subject)) < 0)
			return error;
		if (strcmp(cur, "/") == 0)
			break;
		slash = strrchr(cur, '/');
		if (slash == cur)
			slash[1] = '\0';
		else
			*slash = '\0';
		first = 0;
	}
	/* Only now: a directory is trusted once everything above it is. */
	memcpy(cur, dir, len + 1);
	vh__remember(c, cur, holder);
	while ((slash = strrchr(cur, '/')) != NULL && strcmp(cur, "/") != 0) {
		if (slash == cur)
			slash[1] = '\0';
		else
			*slash = '\0';
		vh__remember(c, cur, 0);
	}
	return 0;
}

/* See vh_trust.h. */
int vh_trust_real_path(int fd, const char *path, char **out)
{
	char link[64], buf[PATH_MAX];
	ssize_t got;

	*out = NULL;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	got = readlink(link, buf, sizeof(buf) - 1);
	if (got > 0 && buf[0] == '/') {
		buf[got] = '\0';
		*out = strdup(buf);
	} else if (realpath(path, buf)) {
		*out = strdup(buf);
	} else {
		return vh_error_set(VH_ERR_GENERIC, "%s: %s", path, strerror(errno));
	}
	return *out ? 0 : vh_error_set(VH_ERR_NOMEM, "out of memory");
}

/* See vh_trust.h. */
int vh_trust_file(vh_trust_cache *c, int fd, const struct stat *st,
		  const char *path, char **real)
{
	char *rp = NULL, *slash;
	int error;

	if (real)
		*real = NULL;
	if ((error = vh_trust_stat(path, st, VH_TRUST_FILE, NULL)) < 0 ||
	    (error = vh_trust_real_path(fd, path, &rp)) < 0)
		return error;
	slash = strrchr(rp, '/');
	if (slash == rp) {
		error = vh_trust_dirs(c, "/", 1, path);
	} else {
		*slash = '\0';
		error = vh_trust_dirs(c, rp, 1, path);
		*slash = '/';
	}
	if (error == 0 && real)
		*real = rp;
	else
		free(rp);
	return error;
}
