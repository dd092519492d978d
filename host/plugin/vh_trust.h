/* vh_trust.h - whether a plugin may be trusted to run as us (vh_trust.c):
 * OpenSSH's StrictModes rule, applied to the file that will really be
 * loaded and to every directory from it up to the root.
 *
 * A file or directory passes when it is owned by root or by the invoking
 * (effective) user and is writable by neither its group nor others. A
 * directory *above* the one holding a plugin may instead be a sticky,
 * root-owned one such as /tmp: others can add names there but not replace
 * ours. The directory holding a plugin (and plugin_dir, which decides what
 * is a plugin) never may: anyone could add a file or a symlink to it. */
#ifndef VH_TRUST_H
#define VH_TRUST_H

#include <stddef.h>
#include <sys/stat.h>

enum {
	VH_TRUST_FILE,   /* a plugin file */
	VH_TRUST_HOLDER, /* the directory holding a plugin, or plugin_dir */
	VH_TRUST_ABOVE   /* a directory above one of those */
};

/* Checks one stat() result under the rule for `kind`. `path` is what it is
 * the stat of; `subject` (NULL for the file and holder) is the plugin path
 * the check is for, named in the message. Returns 0 or VH_ERR_GENERIC with a
 * message naming the path, owner and mode and the command that fixes it:
 *   "/srv/p/x.so: refusing to load a plugin that is world-writable
 *    (mode 0666), owned by root; fix with chmod o-w '/srv/p/x.so', or pass
 *    --insecure-plugins for development" */
int vh_trust_stat(const char *path, const struct stat *st, int kind,
		  const char *subject);

/* Directories already found trustworthy, so a directory holding 10,000
 * plugins is checked once. Zero-initialise; release with vh_trust_cache_free. */
typedef struct vh_trust_cache {
	char **dirs;
	unsigned char *holder; /* dirs[i] passed as a holder, not only as above */
	size_t n, cap;
} vh_trust_cache;

void vh_trust_cache_free(vh_trust_cache *c);

/* Checks every directory above `dir` (absolute, symlinks resolved, as
 * vh_trust_real_path gives) up to "/" with the VH_TRUST_ABOVE rule, and
 * `dir` itself as a holder when `holder` is set (the caller may have
 * checked it already through an open descriptor). `subject` is named in
 * messages. `c` may be NULL. */
int vh_trust_dirs(vh_trust_cache *c, const char *dir, int holder,
		  const char *subject);

/* The absolute path, symlinks resolved, of the file open as `fd`: read from
 * /proc/self/fd (the kernel's name for what we hold, so no race), or, when
 * /proc is missing, realpath(`path`). A new string in *out (the caller's).
 * Errors name `path`. */
int vh_trust_real_path(int fd, const char *path, char **out);

/* The whole rule for the file open as `fd` whose stat is `st`: the file,
 * the directory holding it and everything above. `path` is the name it was
 * opened by; on success *real (if not NULL) gets its resolved path. */
int vh_trust_file(vh_trust_cache *c, int fd, const struct stat *st,
		  const char *path, char **real);

#endif
