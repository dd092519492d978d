/* vh_hash.c - SHA-256 of a file or a buffer, in hex (see vh_hash.h). */
#include "vh_hash.h"

#include <errno.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "vh_error.h"

/* Writes the 32-byte digest `md` as hex into out. */
static void vh__hex(const unsigned char *md, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

/* See vh_hash.h. Reads in blocks, so the file's size does not matter. */
int vh_sha256_fd(int fd, const char *path, char out[65])
{
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx;
	off_t off = 0;
	ssize_t got;
	int error = 0;

	out[0] = '\0';
	if (!(ctx = EVP_MD_CTX_new()) || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		error = vh_error_set(VH_ERR_GENERIC, "%s: SHA-256 failed (OpenSSL)", path);
		goto done;
	}
	for (;;) {
		got = pread(fd, buf, sizeof(buf), off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			error = vh_error_set(VH_ERR_GENERIC, "%s: %s", path, strerror(errno));
			goto done;
		}
		if (got == 0)
			break;
		off += got;
		if (EVP_DigestUpdate(ctx, buf, (size_t)got) != 1) {
			error = vh_error_set(VH_ERR_GENERIC, "%s: SHA-256 failed (OpenSSL)", path);
			goto done;
		}
	}
	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32)
		error = vh_error_set(VH_ERR_GENERIC, "%s: SHA-256 failed (OpenSSL)", path);
	else
		vh__hex(md, out);
done:
	EVP_MD_CTX_free(ctx);
	return error;
}

/* See vh_hash.h. */
int vh_sha256_buf(const void *buf, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	out[0] = '\0';
	if (EVP_Digest(buf, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		return vh_error_set(VH_ERR_GENERIC, "SHA-256 failed (OpenSSL)");
	vh__hex(md, out);
	return 0;
}
