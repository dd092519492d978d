/* vh_index.h - the plugin metadata index (vh_index.c): what each plugin in
 * plugin_dir declared and its SHA-256, keyed by the file's identity
 * (vh_file_id), so that reading 10,000 unchanged plugins costs one
 * fstatat() each instead of an open and a read, and the drift check hashes
 * only what changed.
 *
 * The index says what to trust, so it is held to the plugins' own rule: it
 * lives in plugin_dir when that directory passed vh_trust.h's rule, belongs
 * to us and is writable by us, else in our cache directory
 * ($XDG_CACHE_HOME/vhost or ~/.cache/vhost), which must pass the same rule.
 * It is used only when it is a regular file owned by us, not writable by
 * group or others, of this format and field list, for this directory, and
 * its checksum holds; anything else is ignored and rewritten. An entry is
 * used only when the file's identity is unchanged. */
#ifndef VH_INDEX_H
#define VH_INDEX_H

#include <stddef.h>
#include <sys/stat.h>

#include "vh_revision.h"

typedef struct vh_index vh_index;

/* The index of the plugin directory whose real path is `real` and whose
 * stat is `dst`; `dir_trusted` says whether that directory passed the trust
 * rule (so the index may live there). A missing, foreign or damaged index is
 * an empty one (vh_index_note says why). NULL only when out of memory. */
vh_index *vh_index_open(const char *real, const struct stat *dst, int dir_trusted);
void vh_index_free(vh_index *ix);

/* Fills `rev`'s metadata (strings, flags, ABI) and rev->file->sha256 from
 * the entry for `name` when its identity is `id`: 1 when it did, 0 when
 * there is no such entry, VH_ERR_NOMEM. rev->file must be allocated. */
int vh_index_fill(const vh_index *ix, const char *name, const vh_file_id *id,
		  vh_revision *rev);

/* Tells the index about the scan just made: when it started
 * (CLOCK_REALTIME, ns), how many plugins it read from their files instead of
 * the index, and how many there are. */
void vh_index_scanned(vh_index *ix, long long start_ns, size_t misses, size_t nplugins);

/* 1 when the index should be written again: it was missing or ignored, some
 * plugins were read from their files, plugins went away, the heads are new,
 * or a SHA-256 was computed since. */
int vh_index_stale(const vh_index *ix, const vh_revision *const *revs, size_t n,
		   const char *const *heads, size_t nheads);

/* Writes the index for `revs` (any order; each with rev->file) and the
 * graph's heads (NULL, 0 when unknown): a new file renamed over the old one,
 * so readers see one or the other. Entries for files changed in the last
 * second are left out (their timestamps could still be equal after another
 * change, as git's "racy" entries). Returns 0 or an error; callers treat
 * errors as notes, never as failures. */
int vh_index_save(vh_index *ix, const vh_revision *const *revs, size_t n,
		  const char *const *heads, size_t nheads);

/* One line saying where the index is and what happened to it, for
 * `plugins -v`: "/p/.vhost-index: used 9998 of 10000 entries; rewritten". */
const char *vh_index_note(const vh_index *ix);

/* For `current`, which does not need the whole graph: when the names in
 * plugin_dir (`names[0..nnames)`, in byte order) are exactly the index's
 * and its heads were recorded, the name of the entry for revision `id`
 * (NULL when there is none, or it was a symlink), whether it is a head, and
 * how many heads there are. The caller then checks that file's identity;
 * a file rewritten in place under the same name is not looked at. */
const char *vh_index_find_id(const vh_index *ix, char *const *names, size_t nnames,
			     const char *id, int *is_head, size_t *nheads);

#endif
