/* vh_load.c - dlopen()s one revision right before it runs, in the manner
 * of PostgreSQL's dfmgr.c: the file is opened once, that descriptor is
 * checked against what the scan saw, hashed, and loaded through
 * /proc/self/fd/N, so what was checked, hashed and run is one file even if
 * the path is swapped meanwhile. */
#include "vh_loader.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vh_error.h"
#include "vh_hash.h"
#include "vh_revision.h"
#include "vh_trust.h"

/* ------------------------------------------------------------------------
 * Loading a revision
 * ------------------------------------------------------------------------ */

/* dlsym() for a function. ISO C has no cast from void * to a function
 * pointer; POSIX guarantees the representations agree, so copy the bits. */
static void *vh__dlsym_fn(void *handle, const char *name, void *fn, size_t size)
{
	void *sym;

	dlerror();
	sym = dlsym(handle, name);
	memcpy(fn, &sym, size);
	return sym;
}

/* dlerror()'s text, or a fallback when it has none. */
static const char *vh__dlerror(const char *fallback)
{
	const char *msg = dlerror();

	return msg ? msg : fallback;
}

void (*vh_plugin_test_hook)(const char *path);

/* Opens rev's file once and checks that descriptor is the file the scan
 * saw (and, for a revision the scan found trustworthy, that it still is).
 * Returns the descriptor, or an error. */
static int vh__open_checked(const vh_revision *rev)
{
	const vh_plugin_file *f = rev->file;
	struct stat st;
	vh_file_id now;
	int fd;

	if ((fd = open(rev->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return vh_error_set(VH_ERR_GENERIC, "%s: cannot load plugin: %s", rev->path,
				    strerror(errno));
	if (fstat(fd, &st) < 0) {
		close(fd);
		return vh_error_set(VH_ERR_GENERIC, "%s: %s", rev->path, strerror(errno));
	}
	vh_file_id_of(&now, &st);
	if (f && !vh_file_id_eq(&now, &f->id)) {
		close(fd);
		return vh_error_set(VH_ERR_GENERIC,
				    "%s changed since it was scanned (another file, or rewritten); "
				    "run the command again", rev->path);
	}
	if (!S_ISREG(st.st_mode) || (f && f->trusted && vh_trust_stat(rev->path, &st,
								    VH_TRUST_FILE, NULL) < 0)) {
		if (!S_ISREG(st.st_mode))
			vh_error_set(VH_ERR_GENERIC, "%s: not a regular file", rev->path);
		close(fd);
		return VH_ERR_GENERIC;
	}
	return fd;
}

/* See vh_loader.h. Order as PostgreSQL's load_external_function: open with
 * RTLD_NOW (an unresolved symbol fails here, not half-way through a
 * migration), check the ABI through the function the macro exports, then
 * resolve the entry points. Each failure dlclose()s before returning. The
 * name handed to dlopen() is the descriptor's, which stays open while the
 * plugin is loaded: glibc takes a name it has loaded for that library, so
 * a number must not be reused meanwhile. */
int vh_plugin_open(vh_plugin *out, const vh_revision *rev)
{
	const vh_abi_desc *(*abi_fn)(void) = NULL;
	const vh_abi_desc *desc;
	const char *id;
	char name[64];
	const char *path = rev->path;
	void *h;
	int error = 0, fd;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	if ((fd = vh__open_checked(rev)) < 0)
		return fd;
	if (vh_plugin_test_hook)
		vh_plugin_test_hook(path);
	snprintf(name, sizeof(name), "/proc/self/fd/%d", fd);
	/* Without /proc, the resolved path (a small window remains; the id
	 * check below still catches another revision). */
	if (access(name, R_OK) != 0)
		snprintf(name, sizeof(name), "%s", "");
	dlerror();
	h = dlopen(name[0] ? name : rev->file && rev->file->real_path ? rev->file->real_path : path,
		   RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		close(fd);
		return vh_error_set(VH_ERR_GENERIC, "%s: cannot load plugin: %s", path,
				    vh__dlerror("dlopen failed"));
	}

	if (!vh__dlsym_fn(h, "vh_revision_abi", &abi_fn, sizeof(abi_fn))) {
		error = vh_error_set(VH_ERR_GENERIC,
				     "%s: missing ABI function vh_revision_abi() (built without VHOST_REVISION?): %s",
				     path, vh__dlerror("not found"));
		goto done;
	}
	if (!(desc = abi_fn())) {
		error = vh_error_set(VH_ERR_GENERIC,
				     "%s: vh_revision_abi() returned NULL (built without VHOST_REVISION?)",
				     path);
		goto done;
	}
	if ((error = vh_meta_check_abi(path, desc, desc->size)) < 0)
		goto done;

	/* The file may have been replaced since the scan read it. */
	dlerror();
	id = dlsym(h, "revision_id");
	if (!id || strnlen(id, VH_REVISION_ID_MAX + 1) > VH_REVISION_ID_MAX ||
	    strcmp(id, rev->id) != 0) {
		error = vh_error_set(VH_ERR_GENERIC,
				     "%s changed since it was scanned (revision_id '%.*s', "
				     "expected '%s'); run the command again",
				     path, id ? VH_REVISION_ID_MAX : 0, id ? id : "",
				     rev->id);
		goto done;
	}

	if (!vh__dlsym_fn(h, "upgrade", &out->upgrade, sizeof(out->upgrade)) ||
	    !vh__dlsym_fn(h, "downgrade", &out->downgrade, sizeof(out->downgrade))) {
		error = vh_error_set(VH_ERR_GENERIC,
				     "%s: missing %s (every revision exports upgrade and downgrade): %s",
				     path, out->upgrade ? "downgrade()" : "upgrade()",
				     vh__dlerror("not found"));
		goto done;
	}
	/* Only when the file defines it: dlsym() on a handle also searches the
	 * plugin's dependencies, where some library may export a `verify`. */
	if (rev->flags & VH_REV_HAS_VERIFY)
		vh__dlsym_fn(h, "verify", &out->verify, sizeof(out->verify));
done:
	if (error < 0) {
		dlclose(h);
		close(fd);
		memset(out, 0, sizeof(*out));
		out->fd = -1;
		return error;
	}
	out->handle = h;
	out->fd = fd;
	return 0;
}

/* See vh_loader.h. NULL, or a plugin that failed to open, does nothing. */
void vh_plugin_close(vh_plugin *p)
{
	if (!p)
		return;
	if (p->handle)
		dlclose(p->handle);
	if (p->handle && p->fd >= 0)
		close(p->fd);
	memset(p, 0, sizeof(*p));
	p->fd = -1;
}

/* ------------------------------------------------------------------------
 * Checksums
 * ------------------------------------------------------------------------ */

/* See vh_loader.h. */
int vh_file_sha256(const char *path, char out[65])
{
	int fd, error;

	out[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return vh_error_set(VH_ERR_GENERIC, "%s: %s", path, strerror(errno));
	error = vh_sha256_fd(fd, path, out);
	close(fd);
	return error;
}

/* Records `sha` as rev's, for the index, when `id` is the file scanned. */
static void vh__remember(const vh_revision *rev, const vh_file_id *id, const char *sha)
{
	if (rev->file && !rev->file->sha256[0] && vh_file_id_eq(id, &rev->file->id)) {
		memcpy(rev->file->sha256, sha, 65);
		rev->file->sha_new = 1;
	}
}

/* See vh_loader.h. */
int vh_plugin_sha256(const vh_plugin *p, const vh_revision *rev, char out[65])
{
	int error;

	if (rev->file && rev->file->sha256[0]) {
		memcpy(out, rev->file->sha256, 65);
		return 0;
	}
	if ((error = vh_sha256_fd(p->fd, rev->path, out)) == 0 && rev->file)
		vh__remember(rev, &rev->file->id, out);
	return error;
}

/* See vh_loader.h. */
int vh_revision_sha256(const vh_revision *rev, char out[65])
{
	struct stat st;
	vh_file_id id;
	int fd, error;

	if (rev->file && rev->file->sha256[0] && stat(rev->path, &st) == 0) {
		vh_file_id_of(&id, &st);
		if (vh_file_id_eq(&id, &rev->file->id)) {
			memcpy(out, rev->file->sha256, 65);
			return 0;
		}
	}
	if ((fd = open(rev->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return vh_error_set(VH_ERR_GENERIC, "%s: %s", rev->path, strerror(errno));
	if (fstat(fd, &st) < 0)
		error = vh_error_set(VH_ERR_GENERIC, "%s: %s", rev->path, strerror(errno));
	else if ((error = vh_sha256_fd(fd, rev->path, out)) == 0) {
		vh_file_id_of(&id, &st);
		vh__remember(rev, &id, out);
	}
	close(fd);
	return error;
}
