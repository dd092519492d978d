/* vh_revision.h - what the host knows of one revision plugin, read from the
 * file without loading it (vh_meta.c), and the list the loader builds. */
#ifndef VH_REVISION_H
#define VH_REVISION_H

#include <stddef.h>

/* The longest id, as <vhost/sdk.h> defines it (Alembic's VARCHAR(32)). Kept
 * here too because sdk.h declares a function vh_revision() that clashes with
 * the typedef below, so host files using this header cannot include sdk.h.
 * The two definitions must stay identical (C allows an identical redefinition). */
#ifndef VH_REVISION_ID_MAX
#define VH_REVISION_ID_MAX 32
#endif

enum {
	VH_REV_NONTRANSACTIONAL = 1 << 0, /* VHOST_NON_TRANSACTIONAL() */
	VH_REV_HAS_VERIFY = 1 << 1,       /* exports verify() */
	VH_REV_HAS_UPGRADE = 1 << 2,
	VH_REV_HAS_DOWNGRADE = 1 << 3
};

/* What identifies one file's contents without reading it, as git's index and
 * ccache do: if none of these changed, neither did the bytes (a rewrite in
 * place changes ctime, which no user can set back). */
typedef struct vh_file_id {
	unsigned long long dev, ino, size;
	long long mtime_ns, ctime_ns;
} vh_file_id;

/* The plugin file behind a revision, as the loader found it. Behind a
 * pointer so the SHA-256, computed at most once, can be kept in a revision
 * the graph hands out as const. */
typedef struct vh_plugin_file {
	vh_file_id id;     /* the file as scanned; vh_plugin_open loads only this */
	char sha256[65];   /* its SHA-256 (from the index or hashed since), or "" */
	int sha_new;       /* hashed by this process: the index should learn it */
	int trusted;       /* passed the trust rule (vh_trust.h); 0 only with --insecure-plugins */
	int is_link;       /* its name in plugin_dir is a symlink */
	char *real_path;   /* the file the path resolves to (symlinks followed) */
} vh_plugin_file;

typedef struct vh_revision {
	char *id;            /* revision_id */
	char *down_revision; /* as declared ("a,b" for a merge), NULL for base */
	char **parents;      /* down_revision split on commas, trimmed */
	size_t nparents;
	char *message;       /* revision_message, "" when absent */
	char *description;   /* revision_description, NULL when absent */
	char *path;          /* the .so's path as found in plugin_dir */
	char **labels;       /* VHOST_BRANCH_LABELS, split on commas */
	size_t nlabels;
	char **depends;      /* VHOST_DEPENDS_ON: ids or branch labels */
	size_t ndepends;
	/* the two lists as declared, NULL when absent: what the plugin index
	 * keeps (vh_index_fill splits them again) */
	char *labels_text;
	char *depends_text;
	unsigned abi_major, abi_minor;
	unsigned flags;      /* VH_REV_* */
	vh_plugin_file *file; /* NULL unless it came from the loader */
} vh_revision;

/* Frees the strings inside `rev` (id, down_revision, each parents[i] and the
 * parents array, message, description, path, file; all malloc'd) and zeroes it, so
 * clearing twice is harmless. `rev` itself stays the caller's. NULL does
 * nothing. */
void vh_revision_clear(vh_revision *rev);

/* Splits a comma-separated list ("a, b") into a malloc'd array of trimmed
 * malloc'd strings, checking each as an id with vh_revision_check_id
 * (message prefixed by `what`). NULL or "" gives no entries. On failure
 * nothing is left allocated. */
int vh_revision_split_list(const char *s, const char *what, char ***out, size_t *n);
void vh_revision_free_list(char **list, size_t n);

/* Checks an id against Alembic's rules and VARCHAR(32): non-empty, at most
 * VH_REVISION_ID_MAX characters, no whitespace and none of `@ - + :` (nor a
 * comma, which separates merge parents), and not one of the spec symbols
 * head, heads, base, current (a revision so named could never be targeted).
 * Returns 0 or VH_ERR_USAGE with a message prefixed by `what` (omitted when
 * NULL or ""):
 *   "plugins/x.so: Character(s) '-' not allowed in revision identifier 'a-b'"
 *   "plugins/x.so: revision identifier 'aaaa...' is 40 characters; the version
 *    table's VARCHAR(32) holds at most 32" */
int vh_revision_check_id(const char *id, const char *what);

/* Reads the metadata of the plugin at `path` into *out without dlopen():
 * parses the ELF dynamic symbol table for revision_id, down_revision,
 * revision_message, revision_description, vh_revision_abi_data,
 * vh_revision_nontransactional, upgrade, downgrade and verify, and checks
 * the ABI descriptor against the host's. On error returns VH_ERR_GENERIC
 * with a message that names the file and says how to fix it:
 *   "plugins/x.so: not a shared object (bad ELF header)"
 *   "plugins/x.so: missing ABI descriptor vh_revision_abi_data (built without VHOST_REVISION?)"
 *   "plugins/x.so: incompatible SDK ABI 2.0, this vhost supports 1.0..1.N; rebuild it against vhost SDK 1.x"
 *   "plugins/x.so: missing upgrade() (every revision exports upgrade and downgrade)"
 * *out is the caller's; release its strings with vh_revision_clear(). */
int vh_meta_read(vh_revision *out, const char *path);

/* Like vh_meta_read, for a file the caller has already opened and fstat()ed:
 * the loader checks the permissions of that same open file, so what it
 * checked is what it reads (and each file costs one open and one fstat).
 * `fd` and `st` stay the caller's; errors and ownership as vh_meta_read,
 * plus "plugins/x.so: not a regular file". */
struct stat;
int vh_meta_read_fd(vh_revision *out, const char *path, int fd,
		    const struct stat *st);

/* Checks an ABI descriptor against the host's (magic, major equal, minor not
 * newer); `avail` is how many bytes of it the plugin provides. Shared by the
 * scan (descriptor read from the file) and vh_plugin_open (descriptor
 * returned by vh_revision_abi() after dlopen). Returns 0 or VH_ERR_GENERIC
 * with the "incompatible SDK ABI ..." message naming `path`. */
struct vh_abi_desc;
int vh_meta_check_abi(const char *path, const struct vh_abi_desc *desc,
		      size_t avail);

/* The identity of a stat() result, and whether two are the same file with
 * the same contents. */
void vh_file_id_of(vh_file_id *id, const struct stat *st);
int vh_file_id_eq(const vh_file_id *a, const vh_file_id *b);

#endif
