/* fuzz_meta.c - libFuzzer target for the plugin metadata reader
 * (host/plugin/vh_meta.c, vh_elf.c): the input is the content of a file named x.so.
 *
 * The reader takes an open descriptor (vh_meta_read_fd, as the loader
 * calls it), so the input goes into a memfd, rewritten for each run: no
 * file system, no change to vh_meta.c. Oracles beyond the sanitizers: a
 * successful read returns an id that passes vh_revision_check_id, parents
 * that do too, and the path it was given; a failed read leaves a message. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vh_error.h"
#include "vh_revision.h"

static int fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	if ((fd = memfd_create("fuzz_meta", MFD_CLOEXEC)) < 0) {
		perror("fuzz_meta: memfd_create");
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vh_revision rev;
	struct stat st;
	size_t i;

	if (ftruncate(fd, 0) < 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size) ||
	    fstat(fd, &st) < 0)
		abort();
	if (vh_meta_read_fd(&rev, "x.so", fd, &st) == 0) {
		if (!rev.id || vh_revision_check_id(rev.id, NULL) < 0 || !rev.message ||
		    !rev.path || strcmp(rev.path, "x.so") != 0 || (rev.nparents && !rev.parents))
			abort();
		for (i = 0; i < rev.nparents; i++)
			if (vh_revision_check_id(rev.parents[i], NULL) < 0)
				abort();
		vh_revision_clear(&rev);
	} else if (!*vh_error_last()) {
		abort();
	}
	vh_error_clear();
	return 0;
}
