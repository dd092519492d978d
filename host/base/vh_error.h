/* vh_error.h - the host's error codes and its last-error slot.
 *
 * Functions return 0 on success or a negative VH_ERR_* code and leave a
 * one-line message (naming the file, revision or key at fault) in the slot,
 * in the manner of libgit2's git_error_last(). */
#ifndef VH_ERROR_H
#define VH_ERROR_H

enum {
	VH_ERR_OK = 0,
	VH_ERR_GENERIC = -1, /* a command failed: exit status 1 */
	VH_ERR_USAGE = -2,   /* bad arguments or configuration: exit status 2 */
	VH_ERR_NOMEM = -3,
	VH_ERR_NOTFOUND = -4, /* a lookup found nothing (not always an error) */
	VH_ERR_DB = -5        /* the server reported an error */
};

/* Sets the message (printf-style) and returns `code`, so callers can write
 * `return vh_error_set(VH_ERR_USAGE, "...")`. */
int vh_error_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The last message; never NULL ("" when none). Owned by the slot, valid until
 * the next vh_error_set() or vh_error_clear(). */
const char *vh_error_last(void);

/* The code passed with the last message (VH_ERR_OK when none). */
int vh_error_code(void);

void vh_error_clear(void);

/* Maps a return code to the process exit status: 0, 1, or 2 for usage. */
int vh_error_exit_status(int code);

#endif
