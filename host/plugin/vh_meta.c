/* vh_meta.c - reads a revision plugin's metadata straight from its ELF file
 * (through vh_elf.c), without dlopen(): no code of a plugin runs before the
 * host has checked what it declares (its ABI, its id, its parents). */
#include "vh_revision.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vhost/sdk.h>

#include "vh_elf.h"
#include "vh_error.h"


/* The symbols we look for, in the order of vh__syms. A new declaration
 * (VHOST_...) is a row in both; if it lands in a string member of
 * vh_revision, add that member to VH__INDEX_STRS in vh_index_int.h too, so
 * the plugin index keeps it (an index without it is then rewritten). */
enum {
	VH__S_ID, VH__S_DOWN, VH__S_MSG, VH__S_DESC, VH__S_ABI, VH__S_ABI_FN,
	VH__S_NONTX, VH__S_UPGRADE, VH__S_DOWNGRADE, VH__S_VERIFY,
	VH__S_LABELS, VH__S_DEPENDS, VH__S_COUNT
};

static const vh_elf_name vh__syms[VH__S_COUNT] = {
	VH_ELF_NAME("revision_id"), VH_ELF_NAME("down_revision"),
	VH_ELF_NAME("revision_message"), VH_ELF_NAME("revision_description"),
	VH_ELF_NAME("vh_revision_abi_data"), VH_ELF_NAME("vh_revision_abi"),
	VH_ELF_NAME("vh_revision_nontransactional"), VH_ELF_NAME("upgrade"),
	VH_ELF_NAME("downgrade"), VH_ELF_NAME("verify"),
	VH_ELF_NAME("revision_branch_labels"), VH_ELF_NAME("revision_depends_on")};

/* ------------------------------------------------------------------------
 * The revision
 * ------------------------------------------------------------------------ */

/* Checks an ABI descriptor (see vh_revision.h). */
int vh_meta_check_abi(const char *path, const struct vh_abi_desc *d,
		      size_t avail)
{
	/* The fields we read: everything up to and including magic. */
	const size_t need = offsetof(vh_abi_desc, magic) + sizeof(d->magic);

	if (avail < need || d->size < need)
		return vh_error_set(VH_ERR_GENERIC,
				    "%s: malformed ABI descriptor vh_revision_abi_data (%zu bytes); "
				    "rebuild it against vhost SDK %d.x",
				    path, avail < need ? avail : (size_t)d->size,
				    VH_SDK_ABI_MAJOR);
	if (d->magic != VH_ABI_MAGIC)
		return vh_error_set(VH_ERR_GENERIC,
				    "%s: bad ABI descriptor vh_revision_abi_data (magic 0x%08x); "
				    "rebuild it against vhost SDK %d.x",
				    path, (unsigned)d->magic, VH_SDK_ABI_MAJOR);
	if (d->abi_major != VH_SDK_ABI_MAJOR || d->abi_minor > VH_SDK_ABI_MINOR)
		return vh_error_set(VH_ERR_GENERIC,
				    "%s: incompatible SDK ABI %u.%u, this vhost supports %d.0..%d.%d; "
				    "rebuild it against vhost SDK %d.x",
				    path, (unsigned)d->abi_major,
				    (unsigned)d->abi_minor, VH_SDK_ABI_MAJOR,
				    VH_SDK_ABI_MAJOR, VH_SDK_ABI_MINOR,
				    VH_SDK_ABI_MAJOR);
	return 0;
}

/* Splits `down` on commas into out->parents, trimming blanks around each
 * id and checking it as an id. */
static int vh__split_parents(vh_revision *out, const char *down, const char *path)
{
	const char *p = down, *end, *comma;
	size_t n = 1, len;
	int error;

	for (end = down; *end; end++)
		n += *end == ',';
	if (!(out->parents = calloc(n, sizeof(char *))))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	for (;;) {
		comma = strchr(p, ',');
		end = comma ? comma : p + strlen(p);
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		len = (size_t)(end - p);
		if (!(out->parents[out->nparents] = strndup(p, len)))
			return vh_error_set(VH_ERR_NOMEM, "out of memory");
		if ((error = vh_revision_check_id(out->parents[out->nparents++], path)) < 0)
			return vh_error_set(VH_ERR_GENERIC, "%s (in down_revision '%s')",
					    vh_error_last(), down);
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

/* Reads the string object k into *out if the plugin defines it (bounded by
 * the object's size); leaves *out NULL when it does not. */
static int vh__opt_str(const vh_elf *e, int k, char **out)
{
	const Elf64_Sym *s = &e->sym[k];

	if (!vh_elf_has(e, k, STT_OBJECT))
		return 0;
	return vh_elf_read_str(e, s->st_value, s->st_size, vh__syms[k].name, out);
}

/* Reads the optional comma list k (branch labels, dependencies) into
 * (*out, *n), each name checked as an id; *text keeps it as declared. */
static int vh__opt_list(const vh_elf *e, int k, char **text, char ***out, size_t *n)
{
	char what[512];
	int error;

	if ((error = vh__opt_str(e, k, text)) < 0 || !*text)
		return error;
	snprintf(what, sizeof(what), "%s: %s", e->path, vh__syms[k].name);
	return vh_revision_split_list(*text, what, out, n);
}

/* Reads everything the loader needs once the symbols are found, checking in
 * the order a user can act on: ABI first, then id, functions, parents. The
 * strings land in *out (the caller's, cleared by vh_meta_read_fd on
 * failure). Returns 0, or VH_ERR_GENERIC with a message naming the file. */
static int vh__read_revision(vh_elf *e, vh_revision *out)
{
	vh_abi_desc d;
	const Elf64_Sym *s;
	uint64_t ptr;
	int nontx = 0, error;
	int up = vh_elf_has(e, VH__S_UPGRADE, STT_FUNC);
	int down = vh_elf_has(e, VH__S_DOWNGRADE, STT_FUNC);

	/* The descriptor first, as PostgreSQL checks the magic block first:
	 * anything else may mean something else in a foreign library. */
	if (!vh_elf_has(e, VH__S_ABI, STT_OBJECT))
		return vh_error_set(VH_ERR_GENERIC,
				    "%s: missing ABI descriptor vh_revision_abi_data "
				    "(built without VHOST_REVISION?)",
				    e->path);
	s = &e->sym[VH__S_ABI];
	memset(&d, 0, sizeof(d));
	if (s->st_size >= offsetof(vh_abi_desc, reserved) &&
	    (error = vh_elf_read_obj(e, s->st_value, &d,
				  s->st_size < sizeof(d) ? (size_t)s->st_size : sizeof(d),
				  "vh_revision_abi_data")) < 0)
		return error;
	if ((error = vh_meta_check_abi(e->path, &d, (size_t)s->st_size)) < 0)
		return error;
	out->abi_major = d.abi_major;
	out->abi_minor = d.abi_minor;
	if (!vh_elf_has(e, VH__S_ABI_FN, STT_FUNC))
		return vh_error_set(VH_ERR_GENERIC,
				    "%s: missing ABI function vh_revision_abi() "
				    "(built without VHOST_REVISION?)",
				    e->path);

	if ((error = vh__opt_str(e, VH__S_ID, &out->id)) < 0)
		return error;
	if (!out->id)
		return vh_error_set(VH_ERR_GENERIC,
				    "%s: missing revision_id (declare the revision with VHOST_REVISION)",
				    e->path);
	if (vh_revision_check_id(out->id, e->path) < 0)
		return vh_error_set(VH_ERR_GENERIC, "%s", vh_error_last());

	if (!up || !down)
		return vh_error_set(VH_ERR_GENERIC,
				    "%s: missing %s (every revision exports upgrade and downgrade)",
				    e->path,
				    !up && !down ? "upgrade() and downgrade()" :
				    !up ? "upgrade()" : "downgrade()");

	/* A pointer, so its value is whatever relocation fills it in. */
	s = &e->sym[VH__S_DOWN];
	if (!vh_elf_has(e, VH__S_DOWN, STT_OBJECT) || s->st_size != sizeof(uint64_t))
		return vh_error_set(VH_ERR_GENERIC,
				    "%s: %s (declare the revision with VHOST_REVISION)",
				    e->path,
				    e->have[VH__S_DOWN] ? "down_revision is not a pointer" :
							  "missing down_revision");
	if ((error = vh_elf_read_ptr(e, s->st_value, &ptr, "down_revision")) < 0)
		return error;
	if (ptr) {
		if ((error = vh_elf_read_str(e, ptr, VH_ELF_STR_MAX + 1, "down_revision",
					  &out->down_revision)) < 0 ||
		    (error = vh__split_parents(out, out->down_revision, e->path)) < 0)
			return error;
	}

	if ((error = vh__opt_str(e, VH__S_MSG, &out->message)) < 0 ||
	    (error = vh__opt_str(e, VH__S_DESC, &out->description)) < 0)
		return error;
	if (!out->message && !(out->message = strdup("")))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	if ((error = vh__opt_list(e, VH__S_LABELS, &out->labels_text, &out->labels,
				  &out->nlabels)) < 0 ||
	    (error = vh__opt_list(e, VH__S_DEPENDS, &out->depends_text, &out->depends,
				  &out->ndepends)) < 0)
		return error;

	s = &e->sym[VH__S_NONTX];
	if (vh_elf_has(e, VH__S_NONTX, STT_OBJECT)) {
		if (s->st_size != sizeof(int))
			return vh_error_set(VH_ERR_GENERIC,
					    "%s: vh_revision_nontransactional is not an int "
					    "(declare it with VHOST_NON_TRANSACTIONAL())",
					    e->path);
		if ((error = vh_elf_read_obj(e, s->st_value, &nontx, sizeof(nontx),
					  "vh_revision_nontransactional")) < 0)
			return error;
	}
	out->flags = VH_REV_HAS_UPGRADE | VH_REV_HAS_DOWNGRADE;
	if (nontx)
		out->flags |= VH_REV_NONTRANSACTIONAL;
	if (vh_elf_has(e, VH__S_VERIFY, STT_FUNC))
		out->flags |= VH_REV_HAS_VERIFY;
	return 0;
}

/* Reads the metadata of an already opened plugin (see vh_revision.h). */
int vh_meta_read_fd(vh_revision *out, const char *path, int fd,
		    const struct stat *st)
{
	unsigned char buf[VH_ELF_READ_MAX];
	vh_elf e;
	int error;

	memset(out, 0, sizeof(*out));
	if (!S_ISREG(st->st_mode))
		return vh_error_set(VH_ERR_GENERIC, "%s: not a regular file", path);
	if ((error = vh_elf_open(&e, path, fd, (uint64_t)st->st_size, buf)) == 0) {
		vh_elf_scan(&e, vh__syms, VH__S_COUNT);
		error = vh__read_revision(&e, out);
	}
	vh_elf_close(&e);
	if (error == 0 && !(out->path = strdup(path)))
		error = vh_error_set(VH_ERR_NOMEM, "out of memory");
	if (error < 0)
		vh_revision_clear(out);
	return error;
}

/* Opens `path` and reads its metadata (see vh_revision.h). O_NONBLOCK so a
 * FIFO named x.so cannot hang the scan; it is refused as not a regular file. */
int vh_meta_read(vh_revision *out, const char *path)
{
	struct stat st;
	int fd, error;

	memset(out, 0, sizeof(*out));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return vh_error_set(VH_ERR_GENERIC, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0)
		error = vh_error_set(VH_ERR_GENERIC, "%s: %s", path, strerror(errno));
	else
		error = vh_meta_read_fd(out, path, fd, &st);
	close(fd);
	return error;
}

