/* vh_index_int.h - what the two halves of the plugin index share:
 * vh_index.c (where it lives, reading it) and vh_index_write.c (the scan's
 * bookkeeping, writing it). Private to them. */
#ifndef VH_INDEX_INT_H
#define VH_INDEX_INT_H

#include <limits.h>
#include <stddef.h>
#include <sys/stat.h>

#include "vh_index.h"

#define VH__MAGIC "vhost-plugin-index 1"
#define VH__NAME ".vhost-index"
#define VH__MAX_SIZE (256u << 20)
/* Timestamps within this of the scan may not change on the next write. */
#define VH__RACY_NS 1000000000LL

/* The string fields of a revision (members of vh_revision) the index
 * keeps. New string metadata read in vh_meta.c (a VHOST_* declaration) gets
 * one X(member) here (a comma list is kept as its text and split again in
 * vh_index_fill): the header line lists these names,
 * so an index written with other fields is ignored and rewritten, never
 * misread. A field of another kind needs a column in vh__put_entry and
 * vh__parse_entry and a new VH__MAGIC version. */
#define VH__INDEX_STRS(X)                                                                \
	X(id) X(down_revision) X(message) X(description) X(labels_text) X(depends_text)

enum {
#define VH__X_ENUM(f) VH__S_##f,
	VH__INDEX_STRS(VH__X_ENUM)
#undef VH__X_ENUM
	VH__NSTR
};

typedef struct vh__index_str {
	const char *name;
	size_t off;
} vh__index_str;
extern const vh__index_str vh__index_strs[VH__NSTR];
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
	char load[2 * PATH_MAX], save[PATH_MAX];
};


/* The "fields\t..." header line this build writes and accepts. */
void vh__index_fields(char *buf, size_t len);

#endif
