/* vh_index_write.c - the plugin index's writing half (see vh_index.h):
 * what the scan tells it, whether it is out of date, and the new file,
 * written whole and renamed over the old one. */
#include "vh_index_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vh_error.h"
#include "vh_hash.h"

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
		vh__put_str(b, *(char *const *)((const char *)rev + vh__index_strs[i].off), 1);
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
	vh__index_fields(fields, sizeof(fields));
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

