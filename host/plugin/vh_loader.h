/* vh_loader.h - finding revision plugins and loading the ones that run.
 *
 * vh_loader_scan reads every *.so in plugin_dir (metadata only, no code is
 * run; from the index, vh_index.h, for files that did not change) and
 * builds the graph; vh_plugin_open (vh_load.c) dlopen()s one revision right
 * before it runs, with RTLD_NOW | RTLD_LOCAL since every revision exports the
 * same names, checks its ABI descriptor again and resolves its functions.
 * What may be trusted is vh_trust.h's rule. */
#ifndef VH_LOADER_H
#define VH_LOADER_H

#include <vhost/sdk.h>

#include "vh_graph.h"

/* Applies vh_trust.h's rule to `path` (a plugin, or plugin_dir when
 * `is_dir`), symlinks followed, and every directory above where it leads,
 * unless `insecure` is set:
 *   "plugins/x.so: refusing to load a plugin that is world-writable (mode 0666),
 *    owned by root; fix with chmod o-w 'plugins/x.so', or pass
 *    --insecure-plugins for development" */
int vh_loader_check_perms(const char *path, int is_dir, int insecure);

/* Scans `dir` for *.so files, in name order, reads each one's metadata and
 * builds the graph. Nothing is half-loaded: the first bad plugin is the error
 * (VH_ERR_GENERIC, message names the file). *out is the caller's. */
int vh_loader_scan(vh_graph **out, const char *dir, int insecure);

/* Like vh_loader_scan, keeping the index in *ix (the caller's, released
 * with vh_index_free; NULL on failure) so that SHA-256s computed later can
 * be written to it with vh_loader_index_update. */
struct vh_index;
int vh_loader_scan_index(vh_graph **out, struct vh_index **ix, const char *dir,
			 int insecure);

/* Writes the index again if it is out of date for `g` (new SHA-256s, new
 * entries). Best effort: a failure is a note in vh_index_note. */
void vh_loader_index_update(struct vh_index *ix, const vh_graph *g);

/* For `current`: the metadata of revisions `ids[0..n)` without reading the
 * whole directory, when the index may answer (vh_index_find_id): then fills
 * revs[i] (the caller clears them), heads[i] and *nheads and returns 1. Each
 * revision's file is stat()ed and checked as the scan would. Returns 0 when
 * the index cannot answer (read the graph instead), or an error (a plugin
 * refused by the trust rule). */
int vh_loader_quick(const char *dir, int insecure, char *const *ids, size_t n,
		    vh_revision *revs, int *heads, size_t *nheads);
/* Like vh_loader_scan but keeps going: fills *revs with every file's
 * metadata (failed ones with their error in `errors[i]`, NULL when fine), for
 * `vhost plugins`. Everything returned is the caller's: free each revision
 * with vh_revision_clear, then the arrays and the strings in *paths and
 * *errors with free(). */
int vh_loader_list(const char *dir, int insecure, vh_revision **revs,
		   char ***paths, char ***errors, size_t *n);

typedef int (*vh_rev_fn)(vh_ctx *ctx);

typedef struct vh_plugin {
	void *handle;
	int fd;           /* the file loaded (through /proc/self/fd/N), open while loaded */
	vh_rev_fn upgrade;
	vh_rev_fn downgrade;
	vh_rev_fn verify; /* NULL when not exported */
} vh_plugin;

/* dlopen()s a revision and resolves its functions. The file is opened once;
 * that descriptor must be the file the scan saw (same vh_file_id, else
 * "changed since it was scanned"), and is what gets loaded, through
 * /proc/self/fd/N, so a path swapped meanwhile changes nothing. Then the
 * descriptor (vh_revision_abi) is checked, and that revision_id still
 * matches `rev->id`. On success fill *out; release with vh_plugin_close.
 * dlclose() on every failure path. */
int vh_plugin_open(vh_plugin *out, const vh_revision *rev);
void vh_plugin_close(vh_plugin *p);

/* The SHA-256 of the file `p` loaded (the same open file), or the one the
 * index or an earlier call recorded for it. */
int vh_plugin_sha256(const vh_plugin *p, const vh_revision *rev, char out[65]);

/* The SHA-256 of revision `rev`'s plugin as it is now: the recorded one
 * when one stat() shows the file unchanged, else the file hashed (and
 * recorded, for the index, when it is still the file scanned). The one
 * function for "the SHA-256 of this plugin": the drift check, the history
 * table and whatever records hashes use it. */
int vh_revision_sha256(const vh_revision *rev, char out[65]);

/* Called, when set, between checking the opened plugin file and dlopen()ing
 * it: tests swap the path there to show it is not opened again. */
extern void (*vh_plugin_test_hook)(const char *path);

/* The SHA-256 of the file at `path` as 64 lower-case hex digits plus NUL. */
int vh_file_sha256(const char *path, char out[65]);

#endif
