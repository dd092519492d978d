/* vh_loader.c - finds revision plugins in plugin_dir, checks who may have
 * written them, reads their metadata (vh_meta.c) into the graph, and
 * dlopen()s one revision right before it runs, in the manner of PostgreSQL's
 * dfmgr.c and redis' module loader. */
#include "vh_loader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "vh_error.h"
#include "vh_revision.h"

/* ------------------------------------------------------------------------
 * Permissions
 * ------------------------------------------------------------------------ */

/* The check behind vh_loader_check_perms, on a stat the caller already has:
 * the scan checks the very file it then reads, through one fstat(). Returns
 * 0, or VH_ERR_GENERIC with a message naming `path` and the fix. */
static int vh__check_stat(const char *path, const struct stat *st, int is_dir,
			  int insecure)
{
	const char *what = is_dir ? "plugins from a directory" : "a plugin";
	unsigned mode = (unsigned)(st->st_mode & 07777);

	/* A plugin runs with our privileges, so whoever can write it (or add
	 * files next to it) can run code as us: refuse as sshd's StrictModes. */
	if (insecure)
		return 0;
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return vh_error_set(VH_ERR_GENERIC,
				    "%s: refusing to load %s owned by another user (uid %u); "
				    "fix with chown, or pass --insecure-plugins for development",
				    path, what, (unsigned)st->st_uid);
	if (mode & S_IWOTH)
		return vh_error_set(VH_ERR_GENERIC,
				    "%s: refusing to load %s that is world-writable (mode %04o); "
				    "fix with chmod o-w, or pass --insecure-plugins for development",
				    path, what, mode);
	if (mode & S_IWGRP)
		return vh_error_set(VH_ERR_GENERIC,
				    "%s: refusing to load %s that is group-writable (mode %04o); "
				    "fix with chmod g-w, or pass --insecure-plugins for development",
				    path, what, mode);
	return 0;
}

/* See vh_loader.h. stat() follows symlinks: what matters is the file the
 * link leads to, which is what dlopen() will map. */
int vh_loader_check_perms(const char *path, int is_dir, int insecure)
{
	struct stat st;

	if (insecure)
		return 0;
	if (stat(path, &st) < 0)
		return vh_error_set(VH_ERR_GENERIC, "%s: %s", path, strerror(errno));
	return vh__check_stat(path, &st, is_dir, insecure);
}

/* ------------------------------------------------------------------------
 * Scanning plugin_dir
 * ------------------------------------------------------------------------ */

/* qsort() order of two names: bytes, as strcmp. */
static int vh__cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Frees `n` names and their array; NULL does nothing. */
static void vh__free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Opens `dir`, checks its permissions and collects the names of its *.so
 * files, leaving out hidden ones (".#x.so" editor locks and the like, as
 * run-parts does), in byte order (not the locale's: the order decides ties
 * in the graph, and must not change with LC_COLLATE). On success *dp is open
 * and *names and *n are the caller's (vh__free_names); on failure nothing
 * is. */
static int vh__list_dir(DIR **dp, char ***names, size_t *n, const char *dir,
			int insecure)
{
	struct dirent *de;
	struct stat st;
	char **v = NULL, **grown;
	size_t cap = 0, len;
	DIR *d;
	int error = 0;

	*dp = NULL;
	*names = NULL;
	*n = 0;
	if (!(d = opendir(dir)))
		return vh_error_set(VH_ERR_GENERIC, "plugin_dir %s: %s", dir,
				    strerror(errno));
	if (fstat(dirfd(d), &st) < 0) {
		error = vh_error_set(VH_ERR_GENERIC, "plugin_dir %s: %s", dir,
				     strerror(errno));
		goto done;
	}
	if ((error = vh__check_stat(dir, &st, 1, insecure)) < 0)
		goto done;
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= 3 ||
		    strcmp(de->d_name + len - 3, ".so") != 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			if (!(grown = realloc(v, cap * sizeof(*v)))) {
				error = vh_error_set(VH_ERR_NOMEM, "out of memory");
				goto done;
			}
			v = grown;
		}
		if (!(v[*n] = strdup(de->d_name))) {
			error = vh_error_set(VH_ERR_NOMEM, "out of memory");
			goto done;
		}
		(*n)++;
	}
	if (errno != 0)
		error = vh_error_set(VH_ERR_GENERIC, "plugin_dir %s: %s", dir,
				     strerror(errno));
	else if (*n > 1)
		qsort(v, *n, sizeof(*v), vh__cmp_names);
done:
	if (error < 0) {
		vh__free_names(v, *n);
		*n = 0;
		closedir(d);
		return error;
	}
	*dp = d;
	*names = v;
	return 0;
}

/* "dir/name" as a new string (the caller's), without doubling a trailing
 * slash of dir; NULL when out of memory. */
static char *vh__join(const char *dir, const char *name)
{
	size_t dlen = strlen(dir), nlen = strlen(name);
	char *path = malloc(dlen + nlen + 2);

	if (path) {
		memcpy(path, dir, dlen);
		if (dlen && dir[dlen - 1] != '/')
			path[dlen++] = '/';
		memcpy(path + dlen, name, nlen + 1);
	}
	return path;
}

/* Reads one plugin `name` of the open directory `d`, `path` being its
 * full name for messages: one open, one fstat for both the permission
 * check and the size, one read. */
static int vh__read_one(vh_revision *rev, DIR *d, const char *path,
			const char *name, int insecure)
{
	struct stat st;
	int fd, error;

	memset(rev, 0, sizeof(*rev));
	/* O_NONBLOCK: a FIFO named x.so must not hang the scan. */
	if ((fd = openat(dirfd(d), name, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
		error = vh_error_set(VH_ERR_GENERIC, "%s: %s", path, strerror(errno));
	} else {
		if (fstat(fd, &st) < 0)
			error = vh_error_set(VH_ERR_GENERIC, "%s: %s", path,
					     strerror(errno));
		else if ((error = vh__check_stat(path, &st, 0, insecure)) == 0)
			error = vh_meta_read_fd(rev, path, fd, &st);
		close(fd);
	}
	return error;
}

/* See vh_loader.h. The revisions go to vh_graph_build, which owns them from
 * then on, also when it fails. */
int vh_loader_scan(vh_graph **out, const char *dir, int insecure)
{
	vh_revision *revs = NULL;
	char **names = NULL, *path;
	size_t i, n = 0, nrevs = 0;
	DIR *d = NULL;
	int error;

	*out = NULL;
	if ((error = vh__list_dir(&d, &names, &n, dir, insecure)) < 0)
		return error;
	if (n && !(revs = calloc(n, sizeof(*revs)))) {
		error = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		if (!(path = vh__join(dir, names[i]))) {
			error = vh_error_set(VH_ERR_NOMEM, "out of memory");
			goto done;
		}
		error = vh__read_one(&revs[i], d, path, names[i], insecure);
		free(path);
		if (error < 0)
			goto done;
		nrevs++;
	}
	error = vh_graph_build(out, revs, nrevs);
	revs = NULL;
done:
	if (revs) {
		for (i = 0; i < nrevs; i++)
			vh_revision_clear(&revs[i]);
		free(revs);
	}
	vh__free_names(names, n);
	closedir(d);
	return error;
}

/* See vh_loader.h. Per-file errors are collected, not returned; only a
 * directory that cannot be read (or may not be trusted) fails the call. */
int vh_loader_list(const char *dir, int insecure, vh_revision **revs,
		   char ***paths, char ***errors, size_t *n)
{
	vh_revision *r = NULL;
	char **p = NULL, **e = NULL, **names = NULL;
	size_t i, count = 0;
	DIR *d = NULL;
	int error;

	*revs = NULL;
	*paths = *errors = NULL;
	*n = 0;
	if ((error = vh__list_dir(&d, &names, &count, dir, insecure)) < 0)
		return error;
	/* calloc(0) may return NULL: ask for at least one element. */
	r = calloc(count + 1, sizeof(*r));
	p = calloc(count + 1, sizeof(*p));
	e = calloc(count + 1, sizeof(*e));
	if (!r || !p || !e) {
		error = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < count; i++) {
		if (!(p[i] = vh__join(dir, names[i]))) {
			error = vh_error_set(VH_ERR_NOMEM, "out of memory");
			goto done;
		}
		if (vh__read_one(&r[i], d, p[i], names[i], insecure) < 0) {
			if (vh_error_code() == VH_ERR_NOMEM) {
				error = VH_ERR_NOMEM;
				goto done;
			}
			if (!(e[i] = strdup(vh_error_last()))) {
				error = vh_error_set(VH_ERR_NOMEM, "out of memory");
				goto done;
			}
		}
	}
done:
	if (error < 0) {
		for (i = 0; i < count; i++) {
			if (r)
				vh_revision_clear(&r[i]);
			if (p)
				free(p[i]);
			if (e)
				free(e[i]);
		}
		free(r);
		free(p);
		free(e);
	} else {
		*revs = r;
		*paths = p;
		*errors = e;
		*n = count;
	}
	vh__free_names(names, count);
	closedir(d);
	return error;
}

/* ------------------------------------------------------------------------
 * Loading a revision
 * ------------------------------------------------------------------------ */

/* dlsym() for a function. ISO C has no cast from void * to a function
 * pointer; POSIX guarantees the representations agree, so copy the bits. */
static void *vh__dlsym_fn(void *handle, const char *name, void *fn, size_t size)
{
	void *sym;

	dlerror();
	sym = dlsym(handle, name);
	memcpy(fn, &sym, size);
	return sym;
}

/* dlerror()'s text, or a fallback when it has none. */
static const char *vh__dlerror(const char *fallback)
{
	const char *msg = dlerror();

	return msg ? msg : fallback;
}

/* See vh_loader.h. Order as PostgreSQL's load_external_function: open with
 * RTLD_NOW (an unresolved symbol fails here, not half-way through a
 * migration), check the ABI through the function the macro exports, then
 * resolve the entry points. Each failure dlclose()s before returning. */
int vh_plugin_open(vh_plugin *out, const vh_revision *rev)
{
	const vh_abi_desc *(*abi_fn)(void) = NULL;
	const vh_abi_desc *desc;
	const char *id;
	char *rel = NULL;
	const char *path = rev->path;
	void *h;
	int error = 0;

	memset(out, 0, sizeof(*out));
	/* Without a slash dlopen() searches the library path, not the cwd. */
	if (!strchr(path, '/')) {
		if (!(rel = malloc(strlen(path) + 3)))
			return vh_error_set(VH_ERR_NOMEM, "out of memory");
		sprintf(rel, "./%s", path);
	}
	dlerror();
	h = dlopen(rel ? rel : path, RTLD_NOW | RTLD_LOCAL);
	free(rel);
	if (!h)
		return vh_error_set(VH_ERR_GENERIC, "%s: cannot load plugin: %s", path,
				    vh__dlerror("dlopen failed"));

	if (!vh__dlsym_fn(h, "vh_revision_abi", &abi_fn, sizeof(abi_fn))) {
		error = vh_error_set(VH_ERR_GENERIC,
				     "%s: missing ABI function vh_revision_abi() (built without VHOST_REVISION?): %s",
				     path, vh__dlerror("not found"));
		goto done;
	}
	if (!(desc = abi_fn())) {
		error = vh_error_set(VH_ERR_GENERIC,
				     "%s: vh_revision_abi() returned NULL (built without VHOST_REVISION?)",
				     path);
		goto done;
	}
	if ((error = vh_meta_check_abi(path, desc, desc->size)) < 0)
		goto done;

	/* The file may have been replaced since the scan read it. */
	dlerror();
	id = dlsym(h, "revision_id");
	if (!id || strnlen(id, VH_REVISION_ID_MAX + 1) > VH_REVISION_ID_MAX ||
	    strcmp(id, rev->id) != 0) {
		error = vh_error_set(VH_ERR_GENERIC,
				     "%s changed since it was scanned (revision_id '%.*s', "
				     "expected '%s'); run the command again",
				     path, id ? VH_REVISION_ID_MAX : 0, id ? id : "",
				     rev->id);
		goto done;
	}

	if (!vh__dlsym_fn(h, "upgrade", &out->upgrade, sizeof(out->upgrade)) ||
	    !vh__dlsym_fn(h, "downgrade", &out->downgrade, sizeof(out->downgrade))) {
		error = vh_error_set(VH_ERR_GENERIC,
				     "%s: missing %s (every revision exports upgrade and downgrade): %s",
				     path, out->upgrade ? "downgrade()" : "upgrade()",
				     vh__dlerror("not found"));
		goto done;
	}
	/* Only when the file defines it: dlsym() on a handle also searches the
	 * plugin's dependencies, where some library may export a `verify`. */
	if (rev->flags & VH_REV_HAS_VERIFY)
		vh__dlsym_fn(h, "verify", &out->verify, sizeof(out->verify));
done:
	if (error < 0) {
		dlclose(h);
		memset(out, 0, sizeof(*out));
		return error;
	}
	out->handle = h;
	return 0;
}

/* See vh_loader.h. NULL, or a plugin that failed to open, does nothing. */
void vh_plugin_close(vh_plugin *p)
{
	if (!p)
		return;
	if (p->handle)
		dlclose(p->handle);
	memset(p, 0, sizeof(*p));
}

/* ------------------------------------------------------------------------
 * Checksums
 * ------------------------------------------------------------------------ */

/* See vh_loader.h. Reads the file in blocks, so its size does not matter.
 * Errors name the file (VH_ERR_GENERIC) or OpenSSL (VH_ERR_GENERIC). */
int vh_file_sha256(const char *path, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	EVP_MD_CTX *ctx = NULL;
	ssize_t got;
	int fd, error = 0;

	out[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return vh_error_set(VH_ERR_GENERIC, "%s: %s", path, strerror(errno));
	if (!(ctx = EVP_MD_CTX_new()) || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		error = vh_error_set(VH_ERR_GENERIC, "%s: SHA-256 failed (OpenSSL)", path);
		goto done;
	}
	for (;;) {
		got = read(fd, buf, sizeof(buf));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			error = vh_error_set(VH_ERR_GENERIC, "%s: %s", path,
					     strerror(errno));
			goto done;
		}
		if (got == 0)
			break;
		if (EVP_DigestUpdate(ctx, buf, (size_t)got) != 1) {
			error = vh_error_set(VH_ERR_GENERIC,
					     "%s: SHA-256 failed (OpenSSL)", path);
			goto done;
		}
	}
	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32) {
		error = vh_error_set(VH_ERR_GENERIC, "%s: SHA-256 failed (OpenSSL)", path);
		goto done;
	}
	for (i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
done:
	EVP_MD_CTX_free(ctx);
	close(fd);
	return error;
}
