/* vh_elf.h - bounded reading of an ELF shared object (vh_elf.c): the
 * plugin side's file format layer, below vh_meta.c. Every function reports
 * a corrupt or foreign file through the last-error slot, naming the file. */
#ifndef VH_ELF_H
#define VH_ELF_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

/* Longest string read out of a file (ids, messages, descriptions). */
#define VH_ELF_STR_MAX 4096
/* How many names one vh_elf_scan() can look for. */
#define VH_ELF_MAX_SYMS 32
/* Files up to this size are read into the caller's buffer of this size;
 * bigger ones are mapped. */
#define VH_ELF_READ_MAX (64 * 1024)

/* The names a caller looks up with vh_elf_scan(). */
typedef struct vh_elf_name {
	const char *name;
	size_t len;
} vh_elf_name;

#define VH_ELF_NAME(name) {name, sizeof(name) - 1}

/* One ELF file being read: `base` holds its `size` bytes. */
typedef struct vh_elf {
	const char *path;
	const unsigned char *base;
	uint64_t size;
	int mapped; /* base is a mapping vh_elf_close() unmaps */
	Elf64_Ehdr eh;
	uint64_t dynsym_off, nsyms;
	uint16_t dynsym_idx;
	uint64_t dynstr_off, dynstr_size;
	/* what vh_elf_scan() found, in the order of its names */
	Elf64_Sym sym[VH_ELF_MAX_SYMS];
	int have[VH_ELF_MAX_SYMS];
} vh_elf;

/* Reads the `size` bytes of the open file `fd` (into `buf`, VH_ELF_READ_MAX
 * bytes, or a read-only mapping), checks the ELF header is for this
 * machine, and finds .dynsym. `path` is borrowed for messages. Call
 * vh_elf_close() afterwards, also after a failure. */
int vh_elf_open(vh_elf *e, const char *path, int fd, uint64_t size, unsigned char *buf);

/* Releases the mapping, if any. */
void vh_elf_close(vh_elf *e);

/* One pass over .dynsym: records in e->sym/e->have each of `names` that is
 * defined here (an undefined `upgrade` would be some other library's). */
void vh_elf_scan(vh_elf *e, const vh_elf_name *names, size_t nnames);

/* 1 when name k was found with symbol type `type` (STT_FUNC also matches
 * STT_GNU_IFUNC). */
int vh_elf_has(const vh_elf *e, int k, unsigned type);

/* Reports a file that is cut short or whose tables point outside it. */
int vh_elf_corrupt(const vh_elf *e, const char *what);

/* Copies the object of `len` bytes at `vaddr` into dst (zeros for .bss).
 * Returns 0, or a corrupt-file error naming `what`. */
int vh_elf_read_obj(const vh_elf *e, uint64_t vaddr, void *dst, size_t len, const char *what);

/* Reads the NUL-terminated string at `vaddr`, at most `limit` bytes with
 * its NUL (and never more than VH_ELF_STR_MAX), into a new string in *out
 * (the caller's). Errors name `what`. */
int vh_elf_read_str(const vh_elf *e, uint64_t vaddr, uint64_t limit, const char *what,
		    char **out);

/* The value the dynamic linker would store in the pointer at `vaddr`
 * (relocations followed); errors name `what`. */
int vh_elf_read_ptr(const vh_elf *e, uint64_t vaddr, uint64_t *out, const char *what);

#endif
