/* vh_elf.c - bounded reading of an ELF shared object for the host's
 * machine: header checks, the dynamic symbol table, and the objects and
 * strings its symbols point at, following relocations. No code of the file
 * runs; vh_meta.c reads a revision's metadata through it.
 *
 * The file is untrusted input (this code is fuzzed): every offset and size
 * read from it is checked against the file's size before use, structures
 * are copied out with memcpy (a crafted file need not keep them aligned),
 * and strings are read bounded. */
#include "vh_elf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vh_error.h"

/* The host's own machine and the relocation types that can initialise
 * `down_revision`: R_*_RELATIVE (the usual case in a PIC object: the target
 * is the addend), and the absolute/GOT kinds that name a symbol. A plugin
 * for another machine is refused before any relocation is looked at, so the
 * types only have to be right for the host's machine. */
#if defined(__x86_64__)
#define VH__MACHINE EM_X86_64
#define VH__MACHINE_NAME "x86_64"
#define VH__R_RELATIVE R_X86_64_RELATIVE
#define VH__R_ABS64 R_X86_64_64
#define VH__R_GLOB_DAT R_X86_64_GLOB_DAT
#elif defined(__aarch64__)
#define VH__MACHINE EM_AARCH64
#define VH__MACHINE_NAME "aarch64"
#define VH__R_RELATIVE R_AARCH64_RELATIVE
#define VH__R_ABS64 R_AARCH64_ABS64
#define VH__R_GLOB_DAT R_AARCH64_GLOB_DAT
#else
#error "vh_elf.c: add this machine's e_machine and relocation types"
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define VH__DATA ELFDATA2LSB
#else
#define VH__DATA ELFDATA2MSB
#endif

/* ------------------------------------------------------------------------
 * Bounded access to the file
 * ------------------------------------------------------------------------ */

/* Reports a file that is cut short or whose tables point outside it. */
int vh_elf_corrupt(const vh_elf *e, const char *what)
{
	return vh_error_set(VH_ERR_GENERIC,
			    "%s: truncated or corrupt ELF file (%s)", e->path,
			    what);
}

/* 1 when [off, off+len) lies inside the file; written so it cannot overflow. */
static int vh__in_file(const vh_elf *e, uint64_t off, uint64_t len)
{
	return off <= e->size && len <= e->size - off;
}

/* Maps the virtual address `vaddr` to a file offset through the PT_LOAD
 * program headers. On success *off is the offset and *avail how many bytes
 * of the segment's file image follow it (clamped to the file). Returns 0, 1
 * when the address is in a segment's zero-filled tail (.bss), -1 when no
 * segment holds it. */
static int vh__vaddr(const vh_elf *e, uint64_t vaddr, uint64_t *off,
		     uint64_t *avail)
{
	Elf64_Phdr ph;
	uint64_t i, delta;

	/* vh__check_header made sure the table lies in the file. */
	for (i = 0; i < e->eh.e_phnum; i++) {
		memcpy(&ph, e->base + e->eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || vaddr < ph.p_vaddr)
			continue;
		delta = vaddr - ph.p_vaddr;
		if (delta >= ph.p_memsz)
			continue;
		if (delta >= ph.p_filesz)
			return 1;
		if (ph.p_offset > e->size || delta >= e->size - ph.p_offset)
			return -1;
		*off = ph.p_offset + delta;
		*avail = ph.p_filesz - delta;
		if (*avail > e->size - *off)
			*avail = e->size - *off;
		return 0;
	}
	return -1;
}

/* Copies the object of `len` bytes at `vaddr` into dst (zeros for .bss).
 * Returns 0, or a corrupt-file error naming `what`. */
int vh_elf_read_obj(const vh_elf *e, uint64_t vaddr, void *dst,
			size_t len, const char *what)
{
	uint64_t off = 0, avail = 0;
	int rc = vh__vaddr(e, vaddr, &off, &avail);

	if (rc == 1) {
		memset(dst, 0, len);
		return 0;
	}
	if (rc < 0 || avail < len)
		return vh_elf_corrupt(e, what);
	memcpy(dst, e->base + off, len);
	return 0;
}

/* Reads the NUL-terminated string at `vaddr`, at most `limit` bytes with
 * its NUL (and never more than VH_ELF_STR_MAX), into a new string in *out
 * (the caller's). Errors name the symbol it belongs to. */
int vh_elf_read_str(const vh_elf *e, uint64_t vaddr, uint64_t limit,
			const char *what, char **out)
{
	uint64_t off = 0, avail = 0;
	const unsigned char *nul;
	int rc = vh__vaddr(e, vaddr, &off, &avail);

	if (rc != 0)
		return vh_error_set(VH_ERR_GENERIC,
				    "%s: %s points outside the file", e->path,
				    what);
	if (limit > avail)
		limit = avail;
	if (limit > VH_ELF_STR_MAX + 1)
		limit = VH_ELF_STR_MAX + 1;
	nul = memchr(e->base + off, '\0', limit);
	if (!nul)
		return vh_error_set(VH_ERR_GENERIC,
				    "%s: %s is not a string of at most %d bytes",
				    e->path, what, VH_ELF_STR_MAX);
	*out = strndup((const char *)e->base + off,
		       (size_t)(nul - (e->base + off)));
	return *out ? 0 : vh_error_set(VH_ERR_NOMEM, "out of memory");
}

/* ------------------------------------------------------------------------
 * Headers, sections, symbols
 * ------------------------------------------------------------------------ */

/* The EM_* name of a machine, for "ELF for another architecture". */
static const char *vh__machine_name(unsigned m, char *buf, size_t len)
{
#define VH__EM(em) {em, #em}
	static const struct {
		unsigned em;
		const char *name;
	} names[] = {VH__EM(EM_386), VH__EM(EM_ARM), VH__EM(EM_X86_64),
		     VH__EM(EM_AARCH64), VH__EM(EM_RISCV), VH__EM(EM_PPC),
		     VH__EM(EM_PPC64), VH__EM(EM_S390), VH__EM(EM_MIPS)};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].em == m)
			return names[i].name;
	snprintf(buf, len, "e_machine %u", m);
	return buf;
}

/* Checks the ELF header: a 64-bit shared object for this machine, with
 * program and section header tables that fit in the file. */
static int vh__check_header(vh_elf *e)
{
	const unsigned char *id = e->base;
	char buf[32];
	uint16_t type, machine;

	if (e->size < SELFMAG || memcmp(id, ELFMAG, SELFMAG) != 0)
		return vh_error_set(VH_ERR_GENERIC,
				    "%s: not a shared object (bad ELF header)",
				    e->path);
	if (e->size < sizeof(Elf64_Ehdr))
		return vh_error_set(VH_ERR_GENERIC,
				    "%s: truncated or corrupt ELF file "
				    "(%llu bytes, shorter than an ELF header)",
				    e->path, (unsigned long long)e->size);
	/* e_type and e_machine sit at the same place in both classes, so the
	 * message can name the machine of a 32-bit file too. */
	memcpy(&type, id + EI_NIDENT, 2);
	memcpy(&machine, id + EI_NIDENT + 2, 2);
	if (id[EI_DATA] != VH__DATA)
		return vh_error_set(VH_ERR_GENERIC,
				    "%s: ELF for another architecture (%s), this host is %s",
				    e->path,
				    id[EI_DATA] == ELFDATA2MSB ? "big-endian ELFDATA2MSB" :
				    id[EI_DATA] == ELFDATA2LSB ? "little-endian ELFDATA2LSB" :
								 "bad EI_DATA",
				    VH__MACHINE_NAME);
	if (id[EI_CLASS] != ELFCLASS64)
		return vh_error_set(VH_ERR_GENERIC,
				    "%s: ELF for another architecture (%s, %s), this host is %s",
				    e->path,
				    id[EI_CLASS] == ELFCLASS32 ? "32-bit ELFCLASS32" :
								 "bad EI_CLASS",
				    vh__machine_name(machine, buf, sizeof(buf)),
				    VH__MACHINE_NAME);
	if (machine != VH__MACHINE)
		return vh_error_set(VH_ERR_GENERIC,
				    "%s: ELF for another architecture (%s), this host is %s",
				    e->path,
				    vh__machine_name(machine, buf, sizeof(buf)),
				    VH__MACHINE_NAME);
	memcpy(&e->eh, e->base, sizeof(e->eh));
	if (type != ET_DYN)
		return vh_error_set(VH_ERR_GENERIC,
				    "%s: not a shared object (ELF type %s)", e->path,
				    type == ET_EXEC ? "ET_EXEC, an executable" :
				    type == ET_REL ? "ET_REL, an object file not linked with -shared" :
				    type == ET_CORE ? "ET_CORE, a core dump" : "unknown");
	if (e->eh.e_phentsize != sizeof(Elf64_Phdr) ||
	    !vh__in_file(e, e->eh.e_phoff,
			 (uint64_t)e->eh.e_phnum * sizeof(Elf64_Phdr)))
		return vh_elf_corrupt(e, "program headers");
	if (e->eh.e_shnum == 0 || e->eh.e_shentsize != sizeof(Elf64_Shdr) ||
	    !vh__in_file(e, e->eh.e_shoff,
			 (uint64_t)e->eh.e_shnum * sizeof(Elf64_Shdr)))
		return vh_elf_corrupt(e, "section headers");
	return 0;
}

/* Copies section header `idx` (already known to lie in the file). */
static void vh__shdr(const vh_elf *e, uint64_t idx, Elf64_Shdr *sh)
{
	memcpy(sh, e->base + e->eh.e_shoff + idx * sizeof(*sh), sizeof(*sh));
}

/* Finds .dynsym (SHT_DYNSYM) and the string table it links to. A plugin
 * always has one: it is what dlsym() itself searches. */
static int vh__find_dynsym(vh_elf *e)
{
	Elf64_Shdr sh, str;
	uint16_t i;

	for (i = 0; i < e->eh.e_shnum; i++) {
		vh__shdr(e, i, &sh);
		if (sh.sh_type == SHT_DYNSYM)
			break;
	}
	if (i == e->eh.e_shnum)
		return vh_error_set(VH_ERR_GENERIC,
				    "%s: not a shared object (no dynamic symbol table)",
				    e->path);
	if (sh.sh_entsize != sizeof(Elf64_Sym) ||
	    !vh__in_file(e, sh.sh_offset, sh.sh_size))
		return vh_elf_corrupt(e, "dynamic symbol table");
	if (sh.sh_link >= e->eh.e_shnum)
		return vh_elf_corrupt(e, "dynamic string table");
	vh__shdr(e, sh.sh_link, &str);
	if (str.sh_type != SHT_STRTAB || !vh__in_file(e, str.sh_offset, str.sh_size))
		return vh_elf_corrupt(e, "dynamic string table");
	e->dynsym_idx = i;
	e->dynsym_off = sh.sh_offset;
	e->nsyms = sh.sh_size / sizeof(Elf64_Sym);
	e->dynstr_off = str.sh_offset;
	e->dynstr_size = str.sh_size;
	return 0;
}

/* One pass over .dynsym: records each of our names that is defined here
 * (an undefined `upgrade` would be some other library's). */
void vh_elf_scan(vh_elf *e, const vh_elf_name *names, size_t nnames)
{
	const char *strtab = (const char *)e->base + e->dynstr_off;
	Elf64_Sym s;
	uint64_t i, avail;
	const char *name;
	size_t k;

	for (i = 1; i < e->nsyms; i++) {
		memcpy(&s, e->base + e->dynsym_off + i * sizeof(s), sizeof(s));
		if (s.st_shndx == SHN_UNDEF || ELF64_ST_BIND(s.st_info) == STB_LOCAL ||
		    s.st_name >= e->dynstr_size)
			continue;
		name = strtab + s.st_name;
		avail = e->dynstr_size - s.st_name;
		for (k = 0; k < nnames && k < VH_ELF_MAX_SYMS; k++) {
			/* len + 1: the NUL must match too, inside the table. */
			if (!e->have[k] && avail > names[k].len &&
			    memcmp(name, names[k].name, names[k].len + 1) == 0) {
				e->sym[k] = s;
				e->have[k] = 1;
				break;
			}
		}
	}
}

/* 1 when symbol k was found with type `type`. */
int vh_elf_has(const vh_elf *e, int k, unsigned type)
{
	unsigned t = ELF64_ST_TYPE(e->sym[k].st_info);

	if (!e->have[k])
		return 0;
	if (type == STT_FUNC)
		return t == STT_FUNC || t == STT_GNU_IFUNC;
	return t == type;
}

/* The value the dynamic linker would store in the pointer at `vaddr`: a
 * relocation against that place if there is one (RELATIVE: the addend; a
 * symbol's address plus addend for the absolute kinds), else the bytes in
 * the file (0 for a NULL pointer; with packed RELR relocations the file
 * holds the target itself). */
int vh_elf_read_ptr(const vh_elf *e, uint64_t vaddr, uint64_t *out, const char *what)
{
	Elf64_Shdr sh;
	Elf64_Rela r;
	Elf64_Sym s;
	uint64_t i, j, type, symi, total = 0;

	for (i = 0; i < e->eh.e_shnum; i++) {
		vh__shdr(e, i, &sh);
		if (sh.sh_type != SHT_RELA)
			continue;
		/* Real sections do not overlap: more entries than the file holds
		 * means a crafted table that would make this loop quadratic. */
		total += sh.sh_size / sizeof(r);
		if (sh.sh_entsize != sizeof(r) || !vh__in_file(e, sh.sh_offset, sh.sh_size) ||
		    total > e->size / sizeof(r))
			return vh_elf_corrupt(e, "relocations");
		for (j = 0; j < sh.sh_size / sizeof(r); j++) {
			memcpy(&r, e->base + sh.sh_offset + j * sizeof(r), sizeof(r));
			if (r.r_offset != vaddr)
				continue;
			type = ELF64_R_TYPE(r.r_info);
			symi = ELF64_R_SYM(r.r_info);
			if (type == VH__R_RELATIVE) {
				*out = (uint64_t)r.r_addend;
				return 0;
			}
			if (type == 0 || (type != VH__R_ABS64 && type != VH__R_GLOB_DAT))
				break;
			if (sh.sh_link != e->dynsym_idx || symi == 0 || symi >= e->nsyms)
				return vh_elf_corrupt(e, "relocations");
			memcpy(&s, e->base + e->dynsym_off + symi * sizeof(s), sizeof(s));
			if (s.st_shndx == SHN_UNDEF)
				return vh_error_set(VH_ERR_GENERIC,
						    "%s: %s points outside the plugin",
						    e->path, what);
			*out = s.st_value + (uint64_t)r.r_addend;
			return 0;
		}
	}
	return vh_elf_read_obj(e, vaddr, out, sizeof(*out), what);
}

/* Plugins up to this size are read into a buffer with one pread(); bigger
 * ones (debug info, embedded data) are mapped, so only the pages holding the
 * headers and the few symbols we read are touched. Reading is cheaper than
 * mmap+munmap for a typical 20 KB revision, and cannot SIGBUS if the file is
 * truncated under us while a build replaces it. */
#define VH_ELF_READ_MAX (64 * 1024)

/* Makes the file's bytes available at e->base: into `buf` (VH_ELF_READ_MAX
 * bytes) or a read-only mapping, which the caller unmaps when *mapped. */
static int vh__map(vh_elf *e, int fd, unsigned char *buf, int *mapped)
{
	uint64_t done;
	ssize_t got;
	void *map;

	*mapped = 0;
	if (e->size > VH_ELF_READ_MAX) {
		map = mmap(NULL, (size_t)e->size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED)
			return vh_error_set(VH_ERR_GENERIC, "%s: %s", e->path,
					    strerror(errno));
		e->base = map;
		*mapped = 1;
		return 0;
	}
	for (done = 0; done < e->size; done += (uint64_t)got) {
		got = pread(fd, buf + done, (size_t)(e->size - done), (off_t)done);
		if (got < 0 && errno == EINTR)
			got = 0;
		else if (got <= 0)
			return vh_error_set(VH_ERR_GENERIC, "%s: %s", e->path,
					    got < 0 ? strerror(errno) :
						      "file shrank while being read");
	}
	e->base = buf;
	return 0;
}

/* See vh_elf.h. */
int vh_elf_open(vh_elf *e, const char *path, int fd, uint64_t size, unsigned char *buf)
{
	int error;

	memset(e, 0, sizeof(*e));
	e->path = path;
	e->size = size;
	if ((error = vh__map(e, fd, buf, &e->mapped)) == 0 &&
	    (error = vh__check_header(e)) == 0)
		error = vh__find_dynsym(e);
	return error;
}

void vh_elf_close(vh_elf *e)
{
	if (e->mapped)
		munmap((void *)e->base, (size_t)e->size);
	e->mapped = 0;
	e->base = NULL;
}
