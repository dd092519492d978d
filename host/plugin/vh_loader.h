/* vh_loader.h - finding revision plugins and loading the ones that run.
 *
 * vh_loader_scan reads every *.so in plugin_dir (metadata only, no code is
 * run) and builds the graph; vh_plugin_open dlopen()s one revision right
 * before it runs, with RTLD_NOW | RTLD_LOCAL since every revision exports the
 * same names, checks its ABI descriptor again and resolves its functions. */
#ifndef VH_LOADER_H
#define VH_LOADER_H

#include <vhost/sdk.h>

#include "vh_graph.h"

/* Refuses a directory or file that other users can write to (group- or
 * world-writable, or owned by someone other than root or the current user),
 * as sshd's StrictModes does, unless `insecure` is set:
 *   "plugins/x.so: refusing to load a plugin that is world-writable (mode 0666);
 *    fix with chmod o-w, or pass --insecure-plugins for development" */
int vh_loader_check_perms(const char *path, int is_dir, int insecure);

/* Scans `dir` for *.so files, in name order, reads each one's metadata and
 * builds the graph. Nothing is half-loaded: the first bad plugin is the error
 * (VH_ERR_GENERIC, message names the file). *out is the caller's. */
int vh_loader_scan(vh_graph **out, const char *dir, int insecure);

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
	vh_rev_fn upgrade;
	vh_rev_fn downgrade;
	vh_rev_fn verify; /* NULL when not exported */
} vh_plugin;

/* dlopen()s a revision and resolves its functions, checking the descriptor
 * (vh_revision_abi) and that revision_id still matches `rev->id` (the file
 * may have been replaced since the scan). On success fill *out; release with
 * vh_plugin_close. dlclose() on every failure path. */
int vh_plugin_open(vh_plugin *out, const vh_revision *rev);
void vh_plugin_close(vh_plugin *p);

/* The SHA-256 of the file at `path` as 64 lower-case hex digits plus NUL. */
int vh_file_sha256(const char *path, char out[65]);

#endif
