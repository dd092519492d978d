/* vh_index.c - the plugin metadata index (see vh_index.h): a text file, one
 * line per plugin, checked as a whole by a SHA-256 in its last line.
 *
 *   vhost-plugin-index 1
 *   fields id,down_revision,message,description
 *   dir	=<plugin_dir real path>	<dev>	<ino>
 *   heads	<n or ->	<id>...
 *   =<name>	<dev>	<ino>	<size>	<mtime>	<ctime>	<link>	<flags>	<abi major>	<abi minor>	<sha256 or "">	=<id>	=<down>	=<message>	=<description>
 *   end	<entries>	<SHA-256 of everything above>
 *
 * Strings are "=" and the value with \\, \t and \n escaped, or empty for
 * NULL. Entries are in byte order of name, so a lookup is a binary search. */
#include "vh_index.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vh_error.h"
#include "vh_hash.h"
#include "vh_trust.h"

#define VH__MAGIC "vhost-plugin-index 1"
#define VH__NAME ".vhost-index"
#define VH__MAX_SIZE (256u << 20)
/* Timestamps within this of the scan may not change on the next write. */
#define VH__RACY_NS 1000000000LL

/* The string fields of a revision the index keeps. New metadata read in
 * vh_meta.c that is a string gets a row here and nothing else: the header
 * lists these names, so an index written with other fields is ignored (and
 * rewritten), never misread. A field of another kind needs a column in
 * vh__put_entry/vh__parse_entry and a new VH__MAGIC version. */
static const struct {
	const char *name;
	size_t off;
} vh__strs[] = {
	{"id", offsetof(vh_revision, id)},
	{"down_revision", offsetof(vh_revision, down_revision)},
	{"message", offsetof(vh_revision, message)},
	{"description", offsetof(vh_revision, description)},
};
#define VH__NSTR (sizeof(vh__strs) / sizeof(vh__strs[0]))
#define VH__NCOL (11 + VH__NSTR)

typedef struct entry {
	const char *name;
	vh_file_id id;
	unsigned flags, abi_major, abi_minor;
	int is_link;
	const char *sha;
	const char *str[VH__NSTR];
} entry;

struct vh_index {
	char *path;            /* where it lives; NULL when nowhere may be trusted */
	char *real;            /* the plugin directory */
	struct stat dst;
	char *buf;             /* the file read; entries point into it */
	entry *e;
	size_t n;
	int valid;
	const char **heads;    /* into buf */
	size_t nheads;
	int heads_known;
	long long start_ns;
	size_t misses, nplugins;
	int saved;
	char load[600], save[400];
};

/* ------------------------------------------------------------------------
 * Where it lives
 * ------------------------------------------------------------------------ */

/* $XDG_CACHE_HOME/vhost, or ~/.cache/vhost, made 0700 if missing, when it
 * passes the trust rule; NULL (and a note) otherwise. */
static char *vh__cache_dir(vh_index *ix)
{
	const char *base = getenv("XDG_CACHE_HOME"), *home;
	char dir[PATH_MAX], real[PATH_MAX];
	struct passwd *pw;

	if (base && base[0] == '/') {
		snprintf(dir, sizeof(dir), "%s", base);
	} else {
		home = getenv("HOME");
		if (!home || home[0] != '/')
			home = (pw = getpwuid(geteuid())) ? pw->pw_dir : NULL;
		if (!home || home[0] != '/') {
			snprintf(ix->load, sizeof(ix->load), "no cache directory (no HOME)");
			return NULL;
		}
		snprintf(dir, sizeof(dir), "%s/.cache", home);
	}
	(void)mkdir(dir, 0700);
	if (strlen(dir) + 7 >= sizeof(dir))
		return NULL;
	strcat(dir, "/vhost");
	(void)mkdir(dir, 0700);
	if (!realpath(dir, real)) {
		snprintf(ix->load, sizeof(ix->load), "%s: %s", dir, strerror(errno));
		return NULL;
	}
	if (vh_trust_dirs(NULL, real, 1, "the plugin index") < 0) {
		snprintf(ix->load, sizeof(ix->load), "not kept: %s", vh_error_last());
		vh_error_clear();
		return NULL;
	}
	return strdup(real);
}

/* Sets ix->path: in plugin_dir when it is trusted, ours and writable, else
 * in the cache directory, named after the directory's path. */
static void vh__locate(vh_index *ix, int dir_trusted)
{
	char sha[65], *cache;

	if (dir_trusted && ix->dst.st_uid == geteuid() &&
	    faccessat(AT_FDCWD, ix->real, W_OK, AT_EACCESS) == 0) {
		if (asprintf(&ix->path, "%s%s" VH__NAME, ix->real,
			     strcmp(ix->real, "/") ? "/" : "") < 0)
			ix->path = NULL;
		return;
	}
	if (!(cache = vh__cache_dir(ix)))
		return;
	if (vh_sha256_buf(ix->real, strlen(ix->real), sha) == 0 &&
	    asprintf(&ix->path, "%s/plugin-index-%.16s", cache, sha) < 0)
		ix->path = NULL;
	vh_error_clear();
	free(cache);
}

/* ------------------------------------------------------------------------
 * Reading
 * ------------------------------------------------------------------------ */

/* Splits `line` on tabs into at most `max` fields; returns how many. */
static size_t vh__split(char *line, char **f, size_t max)
{
	size_t n = 0;

	f[n++] = line;
	for (; *line; line++)
		if (*line == '\t') {
			if (n == max)
				return max + 1;
			*line = '\0';
			f[n++] = line + 1;
		}
	return n;
}

/* Parses a whole decimal number (a leading '-' allowed when `sign`). */
static int vh__num(const char *s, long long *out, int sign)
{
	char *end;

	if (!*s || (*s == '-' && !sign))
		return -1;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno || *end ? -1 : 0;
}

/* Undoes the escaping of a "=value" field in place; NULL for "". */
static const char *vh__unescape(char *s, int *bad)
{
	char *r, *w;

	if (!*s)
		return NULL;
	if (*s != '=') {
		*bad = 1;
		return NULL;
	}
	for (r = w = ++s; *r; r++) {
		if (*r != '\\') {
			*w++ = *r;
			continue;
		}
		r++;
		if (*r == 't')
			*w++ = '\t';
		else if (*r == 'n')
			*w++ = '\n';
		else if (*r == '\\')
			*w++ = '\\';
		else {
			*bad = 1;
			return NULL;
		}
	}
	*w = '\0';
	return s;
}

/* Parses one entry line into *e; -1 when it is malformed. */
static int vh__parse_entry(char *line, entry *e)
{
	char *f[VH__NCOL + 1];
	long long v[9];
	size_t i;
	int bad = 0;

	if (vh__split(line, f, VH__NCOL) != VH__NCOL)
		return -1;
	for (i = 0; i < 9; i++)
		if (vh__num(f[1 + i], &v[i], i == 3 || i == 4) < 0)
			return -1;
	if (!(e->name = vh__unescape(f[0], &bad)) || bad)
		return -1;
	e->id.dev = (unsigned long long)v[0];
	e->id.ino = (unsigned long long)v[1];
	e->id.size = (unsigned long long)v[2];
	e->id.mtime_ns = v[3];
	e->id.ctime_ns = v[4];
	e->is_link = v[5] != 0;
	e->flags = (unsigned)v[6];
	e->abi_major = (unsigned)v[7];
	e->abi_minor = (unsigned)v[8];
	e->sha = f[10];
	if (*e->sha && strlen(e->sha) != 64)
		return -1;
	for (i = 0; i < VH__NSTR; i++)
		e->str[i] = vh__unescape(f[11 + i], &bad);
	return bad || !e->str[0] ? -1 : 0;
}

/* The "fields" line this build writes. */
static void vh__fields(char *buf, size_t len)
{
	size_t i, at = 0;

	at += (size_t)snprintf(buf, len, "fields\t");
	for (i = 0; i < VH__NSTR && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? "," : "", vh__strs[i].name);
}

/* Checks and parses ix->buf (`size` bytes, NUL-terminated). Returns NULL
 * when it is usable, else why not. */
static const char *vh__parse(vh_index *ix, size_t size)
{
	char *p = ix->buf, *end, *last, *f[8], want[256], sha[65];
	long long v, count;
	size_t cap;

	if (size == 0 || p[size - 1] != '\n')
		return "truncated";
	p[size - 1] = '\0';
	last = strrchr(p, '\n');
	if (!last || strncmp(last + 1, "end\t", 4) != 0)
		return "truncated";
	if (vh_sha256_buf(p, (size_t)(last + 1 - p), sha) < 0 ||
	    vh__split(last + 1, f, 3) != 3 || strcmp(f[2], sha) != 0 ||
	    vh__num(f[1], &count, 0) < 0)
		return "checksum mismatch: damaged or edited";
	*last = '\0';
	/* Header lines. */
	if (!(end = strchr(p, '\n')))
		return "truncated";
	*end = '\0';
	if (strcmp(p, VH__MAGIC) != 0)
		return "another format version";
	p = end + 1;
	vh__fields(want, sizeof(want));
	if (!(end = strchr(p, '\n')))
		return "truncated";
	*end = '\0';
	if (strcmp(p, want) != 0)
		return "written with other metadata fields";
	p = end + 1;
	if (!(end = strchr(p, '\n')))
		return "truncated";
	*end = '\0';
	if (vh__split(p, f, 4) != 4 || strcmp(f[0], "dir") != 0)
		return "malformed";
	{
		int bad = 0;
		const char *real = vh__unescape(f[1], &bad);
		long long dev, ino;

		if (bad || !real || vh__num(f[2], &dev, 0) < 0 || vh__num(f[3], &ino, 0) < 0)
			return "malformed";
		if (strcmp(real, ix->real) != 0 || (unsigned long long)dev != ix->dst.st_dev ||
		    (unsigned long long)ino != ix->dst.st_ino)
			return "for another directory";
	}
	p = end + 1;
	if (!(end = strchr(p, '\n')))
		end = p + strlen(p);
	else
		*end++ = '\0';
	if (strncmp(p, "heads\t", 6) != 0)
		return "malformed";
	p += 6;
	if (strncmp(p, "-", 2) != 0) {
		char *q = p;

		cap = 1;
		for (; *q; q++)
			cap += *q == '\t';
		if (!(ix->heads = calloc(cap, sizeof(*ix->heads))))
			return "out of memory";
		for (q = p;;) {
			char *tab = strchr(q, '\t');
			int bad = 0;

			if (tab)
				*tab = '\0';
			if (ix->nheads == 0) {
				if (vh__num(q, &v, 0) < 0 || (size_t)v != cap - 1)
					return "malformed";
			} else if (!(ix->heads[ix->nheads - 1] = vh__unescape(q, &bad)) || bad) {
				return "malformed";
			}
			ix->nheads++;
			if (!tab)
				break;
			q = tab + 1;
		}
		ix->nheads--;
		ix->heads_known = 1;
	}
	/* Entries. */
	if (!(ix->e = calloc((size_t)count + 1, sizeof(*ix->e))))
		return "out of memory";
	for (p = end; p && *p; p = end) {
		if ((end = strchr(p, '\n')))
			*end++ = '\0';
		if ((long long)ix->n >= count || vh__parse_entry(p, &ix->e[ix->n]) < 0)
			return "malformed";
		if (ix->n && strcmp(ix->e[ix->n - 1].name, ix->e[ix->n].name) >= 0)
			return "malformed (not in name order)";
		ix->n++;
	}
	if ((long long)ix->n != count)
		return "truncated";
	return NULL;
}

/* Opens and reads the index at ix->path, applying the ownership rule to the
 * open file itself. Returns NULL when it is usable, else why not. */
static const char *vh__read(vh_index *ix)
{
	static char why[128];
	struct stat st;
	size_t done = 0;
	ssize_t got;
	int fd;

	if ((fd = open(ix->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)) < 0)
		return errno == ENOENT ? "none yet" : strerror(errno);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return "not a regular file";
	}
	if (st.st_uid != geteuid()) {
		close(fd);
		snprintf(why, sizeof(why), "owned by uid %u, not by us (uid %u)",
			 (unsigned)st.st_uid, (unsigned)geteuid());
		return why;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		close(fd);
		snprintf(why, sizeof(why), "writable by others (mode %04o)",
			 (unsigned)(st.st_mode & 07777));
		return why;
	}
	if ((unsigned long long)st.st_size > VH__MAX_SIZE ||
	    !(ix->buf = malloc((size_t)st.st_size + 1))) {
		close(fd);
		return "too big";
	}
	while (done < (size_t)st.st_size) {
		got = read(fd, ix->buf + done, (size_t)st.st_size - done);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		done += (size_t)got;
	}
	close(fd);
	ix->buf[done] = '\0';
	return vh__parse(ix, done);
}

/* Forgets whatever was read. */
static void vh__drop(vh_index *ix)
{
	free(ix->buf);
	free(ix->e);
	free(ix->heads);
	ix->buf = NULL;
	ix->e = NULL;
	ix->heads = NULL;
	ix->n = ix->nheads = 0;
	ix->heads_known = ix->valid = 0;
}

/* See vh_index.h. */
vh_index *vh_index_open(const char *real, const struct stat *dst, int dir_trusted)
{
	vh_index *ix = calloc(1, sizeof(*ix));
	const char *why;

	if (!ix || !(ix->real = strdup(real))) {
		free(ix);
		return NULL;
	}
	ix->dst = *dst;
	vh__locate(ix, dir_trusted);
	if (!ix->path)
		return ix;
	if ((why = vh__read(ix)) != NULL) {
		vh__drop(ix);
		snprintf(ix->load, sizeof(ix->load), "%s: ignored (%s)", ix->path, why);
	} else {
		ix->valid = 1;
		snprintf(ix->load, sizeof(ix->load), "%s", ix->path);
	}
	return ix;
}

void vh_index_free(vh_index *ix)
{
	if (!ix)
		return;
	vh__drop(ix);
	free(ix->path);
	free(ix->real);
	free(ix);
}

/* The entry named `name`, or NULL: a binary search. */
static const entry *vh__find(const vh_index *ix, const char *name)
{
	size_t lo = 0, hi = ix->n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(ix->e[mid].name, name);
		if (c == 0)
			return &ix->e[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* See vh_index.h. */
int vh_index_fill(const vh_index *ix, const char *name, const vh_file_id *id,
		  vh_revision *rev)
{
	const entry *e = ix ? vh__find(ix, name) : NULL;
	size_t i;

	if (!e || !vh_file_id_eq(&e->id, id))
		return 0;
	for (i = 0; i < VH__NSTR; i++) {
		char **slot = (char **)((char *)rev + vh__strs[i].off);

		if (e->str[i] && !(*slot = strdup(e->str[i])))
			return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	rev->flags = e->flags;
	rev->abi_major = e->abi_major;
	rev->abi_minor = e->abi_minor;
	memcpy(rev->file->sha256, e->sha, strlen(e->sha) + 1);
	return 1;
}

/* ------------------------------------------------------------------------
 * The scan, and writing
 * ------------------------------------------------------------------------ */

/* See vh_index.h. */
void vh_index_scanned(vh_index *ix, long long start_ns, size_t misses, size_t nplugins)
{
	if (!ix)
		return;
	ix->start_ns = start_ns;
	ix->misses = misses;
	ix->nplugins = nplugins;
}

/* 1 when the heads given differ from the ones recorded. */
static int vh__heads_differ(const vh_index *ix, const char *const *heads, size_t n)
{
	size_t i;

	if (!heads)
		return 0;
	if (!ix->heads_known || ix->nheads != n)
		return 1;
	for (i = 0; i < n; i++)
		if (strcmp(ix->heads[i], heads[i]) != 0)
			return 1;
	return 0;
}

/* See vh_index.h. */
int vh_index_stale(const vh_index *ix, const vh_revision *const *revs, size_t n,
		   const char *const *heads, size_t nheads)
{
	size_t i;

	if (!ix || !ix->path)
		return 0;
	for (i = 0; i < n; i++)
		if (revs[i]->file && revs[i]->file->sha_new)
			return 1;
	if (ix->saved)
		return 0;
	return !ix->valid || ix->misses || ix->n != ix->nplugins ||
	       vh__heads_differ(ix, heads, nheads);
}

/* A growing buffer; on allocation failure `bad` is set and appends stop. */
typedef struct sbuf {
	char *p;
	size_t len, cap;
	int bad;
} sbuf;

static void vh__put(sbuf *b, const char *s, size_t len)
{
	char *grown;
	size_t cap;

	if (b->bad)
		return;
	if (b->len + len + 1 > b->cap) {
		cap = b->cap ? b->cap : 65536;
		while (cap < b->len + len + 1)
			cap *= 2;
		if (!(grown = realloc(b->p, cap))) {
			b->bad = 1;
			return;
		}
		b->p = grown;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, len);
	b->len += len;
	b->p[b->len] = '\0';
}

static void vh__putf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void vh__putf(sbuf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (len >= 0 && (size_t)len < sizeof(tmp))
		vh__put(b, tmp, (size_t)len);
	else
		b->bad = 1;
}

/* Appends "\t=<escaped s>", or "\t" for NULL (no tab when !tab). */
static void vh__put_str(sbuf *b, const char *s, int tab)
{
	const char *run;

	if (tab)
		vh__put(b, "\t", 1);
	if (!s)
		return;
	vh__put(b, "=", 1);
	for (run = s; *s; s++) {
		const char *esc = *s == '\t' ? "\\t" : *s == '\n' ? "\\n" : *s == '\\' ? "\\\\" : NULL;

		if (!esc)
			continue;
		vh__put(b, run, (size_t)(s - run));
		vh__put(b, esc, 2);
		run = s + 1;
	}
	vh__put(b, run, (size_t)(s - run));
}

/* The name of `rev` in plugin_dir. */
static const char *vh__base(const vh_revision *rev)
{
	const char *slash = strrchr(rev->path, '/');

	return slash ? slash + 1 : rev->path;
}

static int vh__cmp_revs(const void *a, const void *b)
{
	return strcmp(vh__base(*(const vh_revision *const *)a),
		      vh__base(*(const vh_revision *const *)b));
}

/* Appends one entry line for `rev`. */
static void vh__put_entry(sbuf *b, const vh_revision *rev)
{
	const vh_plugin_file *f = rev->file;
	size_t i;

	vh__put_str(b, vh__base(rev), 0);
	vh__putf(b, "\t%llu\t%llu\t%llu\t%lld\t%lld\t%d\t%u\t%u\t%u\t%s", f->id.dev, f->id.ino,
		 f->id.size, f->id.mtime_ns, f->id.ctime_ns, f->is_link, rev->flags,
		 rev->abi_major, rev->abi_minor, f->sha256);
	for (i = 0; i < VH__NSTR; i++)
		vh__put_str(b, *(char *const *)((const char *)rev + vh__strs[i].off), 1);
	vh__put(b, "\n", 1);
}

/* Writes `b` to a new file next to ix->path and renames it over, so a
 * reader sees the old index or the new one, never half of one. */
static int vh__write(const vh_index *ix, const sbuf *b)
{
	char *tmp = NULL;
	size_t done = 0;
	ssize_t got;
	int fd, error = 0;

	if (asprintf(&tmp, "%s.%ld.tmp", ix->path, (long)getpid()) < 0)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	(void)unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0) {
		error = vh_error_set(VH_ERR_GENERIC, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return error;
	}
	while (done < b->len) {
		got = write(fd, b->p + done, b->len - done);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			error = vh_error_set(VH_ERR_GENERIC, "%s: %s", tmp,
					     got < 0 ? strerror(errno) : "short write");
			break;
		}
		done += (size_t)got;
	}
	if (close(fd) < 0 && error == 0)
		error = vh_error_set(VH_ERR_GENERIC, "%s: %s", tmp, strerror(errno));
	if (error == 0 && rename(tmp, ix->path) < 0)
		error = vh_error_set(VH_ERR_GENERIC, "%s: %s", ix->path, strerror(errno));
	if (error < 0)
		(void)unlink(tmp);
	free(tmp);
	return error;
}

/* See vh_index.h. */
int vh_index_save(vh_index *ix, const vh_revision *const *revs, size_t n,
		  const char *const *heads, size_t nheads)
{
	const vh_revision **sorted;
	char fields[256], sha[65];
	sbuf b = {NULL, 0, 0, 0};
	size_t i, kept = 0;
	int error;

	if (!ix || !ix->path)
		return 0;
	if (!(sorted = malloc((n ? n : 1) * sizeof(*sorted))))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	/* Racy entries are left out: read again next time. */
	for (i = 0; i < n; i++) {
		const vh_file_id *id = &revs[i]->file->id;

		if (id->mtime_ns < ix->start_ns - VH__RACY_NS &&
		    id->ctime_ns < ix->start_ns - VH__RACY_NS)
			sorted[kept++] = revs[i];
	}
	qsort(sorted, kept, sizeof(*sorted), vh__cmp_revs);
	vh__fields(fields, sizeof(fields));
	vh__putf(&b, "%s\n%s\n", VH__MAGIC, fields);
	vh__put(&b, "dir", 3);
	vh__put_str(&b, ix->real, 1);
	vh__putf(&b, "\t%llu\t%llu\n", (unsigned long long)ix->dst.st_dev,
		 (unsigned long long)ix->dst.st_ino);
	if (heads) {
		vh__putf(&b, "heads\t%zu", nheads);
		for (i = 0; i < nheads; i++)
			vh__put_str(&b, heads[i], 1);
		vh__put(&b, "\n", 1);
	} else {
		vh__put(&b, "heads\t-\n", 8);
	}
	for (i = 0; i < kept; i++)
		vh__put_entry(&b, sorted[i]);
	free(sorted);
	if (b.bad || vh_sha256_buf(b.p, b.len, sha) < 0) {
		free(b.p);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	vh__putf(&b, "end\t%zu\t%s\n", kept, sha);
	error = b.bad ? vh_error_set(VH_ERR_NOMEM, "out of memory") : vh__write(ix, &b);
	free(b.p);
	if (error == 0) {
		ix->saved = 1;
		snprintf(ix->save, sizeof(ix->save), "; written (%zu of %zu entries)", kept, n);
	} else {
		snprintf(ix->save, sizeof(ix->save), "; not written: %s", vh_error_last());
	}
	return error;
}

/* See vh_index.h. */
const char *vh_index_note(const vh_index *ix)
{
	static char note[1100];

	if (!ix)
		return "not used";
	if (ix->valid)
		snprintf(note, sizeof(note), "%s: used (%zu of %zu plugins from it)%s", ix->load,
			 ix->nplugins - ix->misses, ix->nplugins, ix->save);
	else
		snprintf(note, sizeof(note), "%s%s", ix->load, ix->save);
	return note;
}

/* See vh_index.h. */
const char *vh_index_find_id(const vh_index *ix, char *const *names, size_t nnames,
			     const char *id, int *is_head, size_t *nheads)
{
	size_t i, k;

	if (!ix || !ix->valid || !ix->heads_known || ix->n != nnames)
		return NULL;
	for (i = 0; i < nnames; i++)
		if (strcmp(ix->e[i].name, names[i]) != 0)
			return NULL;
	for (i = 0; i < ix->n; i++) {
		if (strcmp(ix->e[i].str[0], id) != 0)
			continue;
		if (ix->e[i].is_link)
			return NULL;
		*nheads = ix->nheads;
		*is_head = 0;
		for (k = 0; k < ix->nheads; k++)
			*is_head |= strcmp(ix->heads[k], id) == 0;
		return ix->e[i].name;
	}
	return NULL;
}
