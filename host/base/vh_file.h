/* vh_file.h - small file helpers (vh_file.c). */
#ifndef VH_FILE_H
#define VH_FILE_H

/* Reads the whole file at `path` into a NUL-terminated string in *out (the
 * caller frees it). Errors name the file as "<what> <path>: <reason>"
 * (VH_ERR_GENERIC) or are VH_ERR_NOMEM; *out is then NULL. */
int vh_file_read_all(char **out, const char *path, const char *what);

#endif
