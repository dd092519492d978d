/* vh_loader.c - finds revision plugins in plugin_dir, checks who may have
 * written them and everything above them (vh_trust.c), and reads their
 * metadata into the graph: from the index (vh_index.c) for files whose
 * identity is unchanged, else from the file itself (vh_meta.c). Loading a
 * revision to run it is vh_load.c. */
#include "vh_loader.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vh_error.h"
#include "vh_index.h"
#include "vh_revision.h"
#include "vh_trust.h"

/* ------------------------------------------------------------------------
 * Permissions
 * ------------------------------------------------------------------------ */

/* See vh_loader.h. stat() follows symlinks: what matters is the file the
 * link leads to, which is what will be mapped, and every directory above
 * it. */
int vh_loader_check_perms(const char *path, int is_dir, int insecure)
{
	struct stat st;
	char *real = NULL;
	int fd, error;

	if (insecure)
		return 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return vh_error_set(VH_ERR_GENERIC, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		error = vh_error_set(VH_ERR_GENERIC, "%s: %s", path, strerror(errno));
	} else if (!is_dir) {
		error = vh_trust_file(NULL, fd, &st, path, NULL);
	} else if ((error = vh_trust_stat(path, &st, VH_TRUST_HOLDER, NULL)) == 0 &&
		   (error = vh_trust_real_path(fd, path, &real)) == 0) {
		error = vh_trust_dirs(NULL, real, 1, NULL);
	}
	free(real);
	close(fd);
	return error;
}

/* ------------------------------------------------------------------------
 * Scanning plugin_dir
 * ------------------------------------------------------------------------ */

/* One *.so in plugin_dir, with readdir's idea of its type. */
typedef struct vh__name {
	char *name;
	unsigned char type;
} vh__name;

/* An open plugin_dir and what the scan keeps while it reads it. */
typedef struct scan {
	DIR *d;
	int dfd;
	const char *dir;     /* as configured, for messages */
	char *real;          /* resolved */
	struct stat st;      /* at the start */
	int trusted;         /* passed the rule (else only with --insecure-plugins) */
	int insecure;
	vh__name *names;
	size_t n;
	vh_trust_cache tc;
	vh_index *ix;        /* NULL: read every file */
	size_t misses;
} scan;

/* qsort() order of two names: bytes, as strcmp. */
static int vh__cmp_names(const void *a, const void *b)
{
	return strcmp(((const vh__name *)a)->name, ((const vh__name *)b)->name);
}

/* Releases everything the scan holds. */
static void vh__scan_close(scan *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->names[i].name);
	free(s->names);
	free(s->real);
	vh_trust_cache_free(&s->tc);
	if (s->d)
		closedir(s->d);
	memset(s, 0, sizeof(*s));
}

/* Checks the open directory and everything above its real path. A failure
 * is the error, unless `insecure`, which only records it. */
static int vh__check_dir(scan *s)
{
	int error;

	if ((error = vh_trust_stat(s->dir, &s->st, VH_TRUST_HOLDER, NULL)) == 0)
		error = vh_trust_dirs(&s->tc, s->real, 1, NULL);
	s->trusted = error == 0;
	if (error < 0 && s->insecure) {
		vh_error_clear();
		error = 0;
	}
	return error;
}

/* Opens `dir`, checks it and collects the names of its *.so files, leaving
 * out hidden ones (".#x.so" editor locks and the like, as run-parts does),
 * in byte order (not the locale's: the order decides ties in the graph, and
 * must not change with LC_COLLATE). On failure nothing is held. */
static int vh__scan_open(scan *s, const char *dir, int insecure)
{
	struct dirent *de;
	vh__name *grown;
	size_t cap = 0, len;
	int error = 0;

	memset(s, 0, sizeof(*s));
	s->dir = dir;
	s->insecure = insecure;
	if (!(s->d = opendir(dir)))
		return vh_error_set(VH_ERR_GENERIC, "plugin_dir %s: %s", dir, strerror(errno));
	s->dfd = dirfd(s->d);
	if (fstat(s->dfd, &s->st) < 0) {
		error = vh_error_set(VH_ERR_GENERIC, "plugin_dir %s: %s", dir, strerror(errno));
		goto done;
	}
	if ((error = vh_trust_real_path(s->dfd, dir, &s->real)) < 0 ||
	    (error = vh__check_dir(s)) < 0)
		goto done;
	errno = 0;
	while ((de = readdir(s->d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= 3 || strcmp(de->d_name + len - 3, ".so") != 0)
			continue;
		if (s->n == cap) {
			cap = cap ? cap * 2 : 64;
			if (!(grown = realloc(s->names, cap * sizeof(*grown)))) {
				error = vh_error_set(VH_ERR_NOMEM, "out of memory");
				goto done;
			}
			s->names = grown;
		}
		if (!(s->names[s->n].name = strdup(de->d_name))) {
			error = vh_error_set(VH_ERR_NOMEM, "out of memory");
			goto done;
		}
		s->names[s->n++].type = de->d_type;
	}
	if (errno != 0)
		error = vh_error_set(VH_ERR_GENERIC, "plugin_dir %s: %s", dir, strerror(errno));
	else if (s->n > 1)
		qsort(s->names, s->n, sizeof(*s->names), vh__cmp_names);
done:
	if (error < 0)
		vh__scan_close(s);
	return error;
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

/* Applies the trust rule to plugin `path` (name `nm` in the directory),
 * whose stat is `st`, and sets f->real_path and f->trusted. A symlink is
 * opened (into *fd) to learn, from the kernel, where it leads; a plain name
 * lives in the directory already checked. */
static int vh__trust_one(scan *s, vh_plugin_file *f, const char *path, const vh__name *nm,
			 struct stat *st, int *fd)
{
	int error;

	if (f->is_link) {
		if (*fd < 0 && (*fd = openat(s->dfd, nm->name, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
			return vh_error_set(VH_ERR_GENERIC, "%s: %s", path, strerror(errno));
		if (fstat(*fd, st) < 0)
			return vh_error_set(VH_ERR_GENERIC, "%s: %s", path, strerror(errno));
		error = vh_trust_file(&s->tc, *fd, st, path, &f->real_path);
		if (error < 0 && s->insecure && vh_error_code() != VH_ERR_NOMEM) {
			vh_error_clear();
			error = vh_trust_real_path(*fd, path, &f->real_path);
		} else {
			f->trusted = error == 0 && s->trusted;
		}
		return error;
	}
	if (!(f->real_path = vh__join(s->real, nm->name)))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	error = vh_trust_stat(path, st, VH_TRUST_FILE, NULL);
	f->trusted = error == 0 && s->trusted;
	if (error < 0 && s->insecure) {
		vh_error_clear();
		error = 0;
	}
	return error;
}

/* Reads plugin `nm`, `path` being its full name for messages: one fstatat()
 * for the trust rule and the file's identity, then its metadata from the
 * index if the identity is unchanged, else from the file (one open, one
 * fstat of that descriptor, one read). */
static int vh__read_one(scan *s, vh_revision *rev, const char *path, const vh__name *nm)
{
	struct stat st, now;
	vh_plugin_file *f;
	int fd = -1, error, hit;

	memset(rev, 0, sizeof(*rev));
	if (!(f = rev->file = calloc(1, sizeof(*f))))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	if (fstatat(s->dfd, nm->name, &st, 0) < 0) {
		error = vh_error_set(VH_ERR_GENERIC, "%s: %s", path, strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		error = vh_error_set(VH_ERR_GENERIC, "%s: not a regular file", path);
		goto done;
	}
	f->is_link = nm->type == DT_LNK ||
		     (nm->type == DT_UNKNOWN && fstatat(s->dfd, nm->name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
		      S_ISLNK(now.st_mode));
	if ((error = vh__trust_one(s, f, path, nm, &st, &fd)) < 0)
		goto done;
	vh_file_id_of(&f->id, &st);
	if ((hit = vh_index_fill(s->ix, nm->name, &f->id, rev)) < 0) {
		error = hit;
		goto done;
	}
	if (hit) {
		error = (rev->path = strdup(path)) ? 0 : vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	s->misses++;
	/* O_NONBLOCK: a FIFO swapped in for x.so must not hang the scan. */
	if (fd < 0 && (fd = openat(s->dfd, nm->name, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
		error = vh_error_set(VH_ERR_GENERIC, "%s: %s", path, strerror(errno));
		goto done;
	}
	if (fstat(fd, &now) < 0) {
		error = vh_error_set(VH_ERR_GENERIC, "%s: %s", path, strerror(errno));
		goto done;
	}
	/* Replaced since the fstatat: what counts is the file we read. */
	vh_file_id_of(&f->id, &now);
	if (now.st_ino != st.st_ino || now.st_dev != st.st_dev) {
		error = vh_error_set(VH_ERR_GENERIC, "%s changed while it was being read; "
				     "run the command again", path);
		goto done;
	}
	rev->file = NULL; /* vh_meta_read_fd clears the revision on failure */
	error = vh_meta_read_fd(rev, path, fd, &now);
	rev->file = f;
done:
	if (fd >= 0)
		close(fd);
	if (error < 0) {
		rev->file = f;
		vh_revision_clear(rev);
	}
	return error;
}

/* Reads every plugin of the open scan into a new array in *out (nrevs of
 * them on failure too, for the caller to clear). */
static int vh__read_all(scan *s, vh_revision **out, size_t *nrevs)
{
	char *path;
	size_t i;
	int error;

	*nrevs = 0;
	if (!(*out = calloc(s->n + 1, sizeof(**out))))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	for (i = 0; i < s->n; i++) {
		if (!(path = vh__join(s->dir, s->names[i].name)))
			return vh_error_set(VH_ERR_NOMEM, "out of memory");
		error = vh__read_one(s, &(*out)[i], path, &s->names[i]);
		free(path);
		if (error < 0)
			return error;
		(*nrevs)++;
	}
	return 0;
}

/* Now, for the index's "changed too recently to tell" rule. */
static long long vh__now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* See vh_loader.h. Failures are notes in the index (vh_index_note), never
 * errors, and the error slot is left as it was: this runs as a command
 * ends, when the slot may hold the command's own error. */
void vh_loader_index_update(vh_index *ix, const vh_graph *g)
{
	const vh_revision **revs;
	const char **heads = NULL;
	const size_t *h;
	size_t i, n = vh_graph_count(g), nheads = 0;
	int code = vh_error_code();
	char *msg;

	if (!ix || !(msg = strdup(vh_error_last())))
		return;
	if (!(revs = malloc((n + 1) * sizeof(*revs)))) {
		free(msg);
		return;
	}
	h = vh_graph_heads(g, &nheads);
	if ((heads = malloc((nheads + 1) * sizeof(*heads))) != NULL) {
		for (i = 0; i < n; i++)
			revs[i] = vh_graph_rev(g, i);
		for (i = 0; i < nheads; i++)
			heads[i] = vh_graph_rev(g, h[i])->id;
		if (vh_index_stale(ix, revs, n, heads, nheads))
			vh_index_save(ix, revs, n, heads, nheads);
	}
	if (code != VH_ERR_OK)
		vh_error_set(code, "%s", msg);
	else
		vh_error_clear();
	free(msg);
	free(heads);
	free(revs);
}

/* See vh_loader.h. The revisions go to vh_graph_build, which owns them from
 * then on, also when it fails. */
int vh_loader_scan_index(vh_graph **out, vh_index **ixp, const char *dir, int insecure)
{
	long long start = vh__now_ns();
	vh_revision *revs = NULL;
	size_t i, nrevs = 0;
	scan s;
	int error;

	*out = NULL;
	if (ixp)
		*ixp = NULL;
	if ((error = vh__scan_open(&s, dir, insecure)) < 0)
		return error;
	if (ixp && !(s.ix = vh_index_open(s.real, &s.st, s.trusted))) {
		vh__scan_close(&s);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	if ((error = vh__read_all(&s, &revs, &nrevs)) < 0) {
		for (i = 0; i < nrevs; i++)
			vh_revision_clear(&revs[i]);
		free(revs);
		vh_index_free(s.ix);
		vh__scan_close(&s);
		return error;
	}
	vh_index_scanned(s.ix, start, s.misses, nrevs);
	error = vh_graph_build(out, revs, nrevs);
	if (error == 0 && s.ix) {
		vh_loader_index_update(s.ix, *out);
		*ixp = s.ix;
	} else {
		vh_index_free(s.ix);
	}
	s.ix = NULL;
	vh__scan_close(&s);
	return error;
}

/* See vh_loader.h. */
int vh_loader_scan(vh_graph **out, const char *dir, int insecure)
{
	vh_index *ix = NULL;
	int error = vh_loader_scan_index(out, &ix, dir, insecure);

	vh_index_free(ix);
	return error;
}

/* See vh_loader.h. Per-file errors are collected, not returned; only a
 * directory that cannot be read (or may not be trusted) fails the call. */
int vh_loader_list(const char *dir, int insecure, vh_revision **revs,
		   char ***paths, char ***errors, size_t *n)
{
	vh_revision *r = NULL;
	char **p = NULL, **e = NULL;
	size_t i, count;
	scan s;
	int error;

	*revs = NULL;
	*paths = *errors = NULL;
	*n = 0;
	if ((error = vh__scan_open(&s, dir, insecure)) < 0)
		return error;
	count = s.n;
	/* calloc(0) may return NULL: ask for at least one element. */
	r = calloc(count + 1, sizeof(*r));
	p = calloc(count + 1, sizeof(*p));
	e = calloc(count + 1, sizeof(*e));
	if (!r || !p || !e) {
		error = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < count; i++) {
		if (!(p[i] = vh__join(dir, s.names[i].name))) {
			error = vh_error_set(VH_ERR_NOMEM, "out of memory");
			goto done;
		}
		if (vh__read_one(&s, &r[i], p[i], &s.names[i]) < 0) {
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
	vh__scan_close(&s);
	return error;
}

/* See vh_loader.h. */
int vh_loader_quick(const char *dir, int insecure, char *const *ids, size_t n,
		    vh_revision *revs, int *heads, size_t *nheads)
{
	const char *name;
	char *path, **names = NULL;
	vh__name nm;
	size_t i, done = 0;
	scan s;
	int error, answered = 0;

	if ((error = vh__scan_open(&s, dir, insecure)) < 0)
		return error;
	if (!(s.ix = vh_index_open(s.real, &s.st, s.trusted)) ||
	    !(names = malloc((s.n + 1) * sizeof(*names)))) {
		error = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < s.n; i++)
		names[i] = s.names[i].name;
	for (i = 0; i < n; i++) {
		if (!(name = vh_index_find_id(s.ix, names, s.n, ids[i], &heads[i], nheads)))
			goto out;
		nm.name = (char *)name;
		nm.type = DT_REG;
		if (!(path = vh__join(dir, name))) {
			error = vh_error_set(VH_ERR_NOMEM, "out of memory");
			goto out;
		}
		error = vh__read_one(&s, &revs[i], path, &nm);
		free(path);
		if (error < 0)
			goto out;
		done++;
		/* Changed since the index was written: its heads may be stale. */
		if (s.misses || strcmp(revs[i].id, ids[i]) != 0)
			goto out;
	}
	answered = 1;
out:
	free(names);
	if (!answered || error < 0)
		for (i = 0; i < done; i++)
			vh_revision_clear(&revs[i]);
	vh_index_free(s.ix);
	s.ix = NULL;
	vh__scan_close(&s);
	return error < 0 ? error : answered;
}
