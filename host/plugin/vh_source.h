/* vh_source.h - revisions read from C sources that are not built yet
 * (vh_source.c). */
#ifndef VH_SOURCE_H
#define VH_SOURCE_H

#include <stddef.h>
#include <stdio.h>

#include "vh_revision.h"

/* Reads the VHOST_REVISION(id, down, message) declaration of the C source at
 * `path` without compiling it: comments are skipped; each argument must be
 * a string literal (adjacent literals are joined) or NULL for `down`. Fills
 * *out (id, down_revision, message; path = `path`; release with
 * vh_revision_clear). Returns 0, VH_ERR_NOTFOUND when the file declares no
 * revision (a helper source), or VH_ERR_GENERIC naming the file and line
 * when the declaration is not plain literals. */
int vh_source_scan(vh_revision *out, const char *path);

/* Scans every *.c in `dir` with vh_source_scan. Files that declare
 * no revision are skipped; a file whose declaration cannot be read is
 * skipped with a warning on `warn` (when not NULL). A missing directory is
 * no revisions. *revs (malloc'd, NULL when *n is 0) is the caller's: clear
 * each, then free the array. */
int vh_source_scan_dir(const char *dir, FILE *warn, vh_revision **revs, size_t *n);

#endif
