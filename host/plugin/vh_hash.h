/* vh_hash.h - SHA-256 as 64 lower-case hex digits (vh_hash.c, OpenSSL's
 * libcrypto): of an open file, for the drift check and the history table,
 * and of a buffer, for the plugin index's own checksum. */
#ifndef VH_HASH_H
#define VH_HASH_H

#include <stddef.h>

/* The SHA-256 of everything in the open file `fd`, read from offset 0 with
 * pread() (the descriptor's offset is left alone), into `out` (64 hex digits
 * and a NUL). Errors name `path` (VH_ERR_GENERIC). */
int vh_sha256_fd(int fd, const char *path, char out[65]);

/* The SHA-256 of `len` bytes at `buf`. Errors: VH_ERR_GENERIC (OpenSSL). */
int vh_sha256_buf(const void *buf, size_t len, char out[65]);

#endif
