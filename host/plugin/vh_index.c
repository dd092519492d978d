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
#include "vh_index_int.h"

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

/* The string fields' names and places (vh_index_int.h). */
const vh__index_str vh__index_strs[VH__NSTR] = {
#define VH__X_ROW(f) {#f, offsetof(vh_revision, f)},
	VH__INDEX_STRS(VH__X_ROW)
#undef VH__X_ROW
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

/* Parses a whole decimal number: signed when `sign` (a leading '-'
 * allowed), else unsigned up to 2^64-1 (overlayfs sets high inode bits),
 * stored as its bits. By hand: strtoll's locale and base handling was a
 * tenth of reading a warm index of 10,000 entries. */
static int vh__num(const char *s, long long *out, int sign)
{
	unsigned long long v = 0, max = sign ? (unsigned long long)LLONG_MAX : ULLONG_MAX;
	int neg = 0;

	if (*s == '-' && sign) {
		neg = 1;
		s++;
	}
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (max - (unsigned)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned)(*s - '0');
	}
	*out = neg ? -(long long)v : (long long)v;
	return 0;
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

/* The "fields" line this build writes (vh_index_int.h). */
void vh__index_fields(char *buf, size_t len)
{
	size_t i, at = 0;

	at += (size_t)snprintf(buf, len, "fields\t");
	for (i = 0; i < VH__NSTR && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? "," : "", vh__index_strs[i].name);
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
	vh__index_fields(want, sizeof(want));
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
		char **slot = (char **)((char *)rev + vh__index_strs[i].off);

		if (e->str[i] && !(*slot = strdup(e->str[i])))
			return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	/* checked when the plugin was read: a failure here is an edited index */
	if (vh_revision_split_list(rev->labels_text, name, &rev->labels, &rev->nlabels) < 0 ||
	    vh_revision_split_list(rev->depends_text, name, &rev->depends, &rev->ndepends) < 0)
		return vh_error_set(VH_ERR_GENERIC, "plugin index: bad branch labels or dependencies "
				    "for %s (remove the index to rebuild it)", name);
	rev->flags = e->flags;
	rev->abi_major = e->abi_major;
	rev->abi_minor = e->abi_minor;
	memcpy(rev->file->sha256, e->sha, strlen(e->sha) + 1);
	return 1;
}

/* See vh_index.h. */
const char *vh_index_note(const vh_index *ix)
{
	static char note[3 * PATH_MAX + 128];

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
