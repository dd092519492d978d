/* vhost/sdk.h - everything a revision author includes to write a vhost revision.
 *
 * A revision is a shared object that declares itself with VHOST_REVISION and
 * exports `upgrade` and `downgrade`. The host discovers it at run time, reads
 * its metadata without running any of its code, and calls it with a vh_ctx
 * through which all database work goes:
 *
 *     #include <vhost/sdk.h>
 *
 *     VHOST_REVISION("360b16ba22c2", "1f0e2d3c4b5a", "add password_changed_at");
 *
 *     int upgrade(vh_ctx *ctx)
 *     {
 *         return vh_exec(ctx, "ALTER TABLE users ADD COLUMN password_changed_at timestamptz");
 *     }
 *     int downgrade(vh_ctx *ctx)
 *     {
 *         return vh_exec(ctx, "ALTER TABLE users DROP COLUMN password_changed_at");
 *     }
 *
 * Conventions (libgit2's): functions return 0 on success or a negative VH_E*
 * code; the message behind a failure is kept in the context and read with
 * vh_last_error(). Strings the SDK hands out belong to the caller and are
 * released with vh_free(); strings the SDK borrows stay owned by whoever
 * passed them. Memory never crosses the host/plugin boundary to be freed on
 * the other side.
 *
 * Offline mode (`vhost upgrade --sql`): the same upgrade/downgrade code runs,
 * but vh_exec and vh_execf record statements instead of sending them. Helpers
 * that need an answer from the server (vh_query_*) and vh_conn() fail there
 * with VH_EOFFLINE, and the host refuses to print a partial script.
 */
#ifndef VHOST_SDK_H
#define VHOST_SDK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ABI of the revision descriptor and of the functions below. The major
 * changes when an existing revision would break; the minor when something is
 * added. The host refuses plugins of another major, or of a newer minor than
 * its own. */
#define VH_SDK_ABI_MAJOR 1
#define VH_SDK_ABI_MINOR 3 /* 1: VHOST_LINT_IGNORE; 2: VHOST_BRANCH_LABELS, VHOST_DEPENDS_ON, vh_xarg;
                            * 3: vh_exec may report a server error at the next sync point */

#define VH_SDK_VERSION "0.1.0"

/* Longest revision id: it must fit Alembic's `version_num VARCHAR(32)`. */
#define VH_REVISION_ID_MAX 32

/* Return codes. */
enum {
	VH_OK = 0,
	VH_ERROR = -1,     /* generic failure; see vh_last_error() */
	VH_EDB = -2,       /* the server reported an error (SQLSTATE is set) */
	VH_EOFFLINE = -3,  /* needs a live database, but running offline (--sql) */
	VH_ENOTFOUND = -4, /* a query helper found no row */
	VH_EINVAL = -5,    /* bad argument, e.g. a malformed format string */
	VH_ENOMEM = -6
};

/* The opaque handle a revision receives. Valid only during the call. */
typedef struct vh_ctx vh_ctx;

/* libpq's connection type, declared the way libpq-fe.h does, so that this
 * header compiles without libpq's headers. */
typedef struct pg_conn PGconn;

/* ---------------------------------------------------------------------
 * Declaring a revision
 * --------------------------------------------------------------------- */

/* The ABI descriptor, in the manner of PostgreSQL's PG_MODULE_MAGIC. It
 * starts with its own size so it can grow at the end. */
typedef struct vh_abi_desc {
	uint32_t size;      /* sizeof(vh_abi_desc) as the plugin was built */
	uint16_t abi_major; /* VH_SDK_ABI_MAJOR the plugin was built against */
	uint16_t abi_minor; /* VH_SDK_ABI_MINOR the plugin was built against */
	uint32_t magic;     /* VH_ABI_MAGIC, to tell our descriptor from noise */
	uint32_t reserved;
} vh_abi_desc;

#define VH_ABI_MAGIC 0x76686f73u /* "vhos" */

#if defined(__GNUC__)
#define VH__EXPORT __attribute__((visibility("default"), used))
#else
#define VH__EXPORT
#endif

/* VHOST_REVISION(id, down_revision, message)
 *
 * Declares the revision. `id` is a string literal of at most 32 characters
 * without whitespace or any of `@ - + :`. `down_revision` is the parent's id,
 * NULL for a base revision, or several ids separated by commas for a merge
 * revision. `message` is the one-line description `vhost history` shows.
 *
 * It defines the exported symbols `revision_id` (char array),
 * `down_revision` (pointer, may be NULL), `revision_message` (char array),
 * the descriptor object `vh_revision_abi_data` and the function
 * `vh_revision_abi()` that returns it. The host reads these from the file
 * without loading it, and checks the descriptor again after dlopen() before
 * calling anything. */
#define VHOST_REVISION(id, down, message)                                      \
	VH__EXPORT const char revision_id[] = id;                              \
	VH__EXPORT const char *const down_revision = down;                      \
	VH__EXPORT const char revision_message[] = message;                    \
	VH__EXPORT const vh_abi_desc vh_revision_abi_data = {                  \
		sizeof(vh_abi_desc), VH_SDK_ABI_MAJOR, VH_SDK_ABI_MINOR,       \
		VH_ABI_MAGIC, 0};                                              \
	VH__EXPORT const vh_abi_desc *vh_revision_abi(void);                   \
	const vh_abi_desc *vh_revision_abi(void)                               \
	{                                                                      \
		return &vh_revision_abi_data;                                  \
	}                                                                      \
	VH__EXPORT int upgrade(vh_ctx *ctx);                                   \
	VH__EXPORT int downgrade(vh_ctx *ctx)

/* VHOST_NON_TRANSACTIONAL()
 *
 * Declares that the revision must run outside a transaction block, e.g. for
 * CREATE INDEX CONCURRENTLY or ALTER TYPE ... ADD VALUE. The host marks it
 * "in progress" in its history table before running it, so that a failure
 * half-way leaves a record the next run reports instead of guessing. Such a
 * revision should be a single statement, or written so it can be re-run. */
#define VHOST_NON_TRANSACTIONAL()                                              \
	VH__EXPORT const int vh_revision_nontransactional = 1

/* VHOST_DESCRIPTION("longer text")
 *
 * Optional longer description, shown by `vhost show` and
 * `vhost history --format markdown`. */
#define VHOST_DESCRIPTION(text)                                                \
	VH__EXPORT const char revision_description[] = text

/* VHOST_BRANCH_LABELS("shop")  (ABI 1.2)
 *
 * Optional: names the branch this revision starts (Alembic's branch_labels),
 * several separated by commas. The label then stands for the branch in
 * specs: `upgrade shop@head`, `downgrade shop@-1`, `downgrade shop@base`.
 * Labels follow the rules of ids and must not clash with one. */
#define VHOST_BRANCH_LABELS(labels)                                            \
	VH__EXPORT const char revision_branch_labels[] = labels

/* VHOST_DEPENDS_ON("ae1027a6acf")  (ABI 1.2)
 *
 * Optional: revisions (ids or branch labels, comma-separated) of other
 * branches that must be applied before this one (Alembic's depends_on).
 * They are not parents: the revision stays on its own branch, but upgrading
 * to it applies them first, and downgrading them reverts it first. */
#define VHOST_DEPENDS_ON(revs)                                                 \
	VH__EXPORT const char revision_depends_on[] = revs

/* VHOST_VERIFY(fn)
 *
 * Optional: a function `int verify(vh_ctx *ctx)` that checks the upgrade took
 * effect. It runs right after `upgrade`, in the same transaction; returning
 * non-zero rolls the revision back. Declare it with this macro so the
 * prototype is exported: `VHOST_VERIFY(); int verify(vh_ctx *ctx) {...}`. */
#define VHOST_VERIFY() VH__EXPORT int verify(vh_ctx *ctx)

/* VHOST_LINT_IGNORE("rule-id", "why this is safe here")
 *
 * Silences one `vhost lint` rule for this revision (docs/lint.md lists the
 * rule ids), with the reason a reviewer reads: the finding stays in the
 * report, marked ignored, with `why`. Both arguments are string literals.
 * Use it once per rule, up to 64 times in a revision:
 *
 *     VHOST_LINT_IGNORE("index-not-concurrent", "genres holds a few hundred rows");
 *
 * It exports a `vh_lint_ignore_<N>` array holding "rule\0why" (N from
 * __COUNTER__); the host reads it when it loads the revision to lint it. */
#define VH__LINT_CAT2(a, b) a##b
#define VH__LINT_CAT(a, b) VH__LINT_CAT2(a, b)
#define VHOST_LINT_IGNORE(rule, why)                                           \
	VH__EXPORT const char VH__LINT_CAT(vh_lint_ignore_, __COUNTER__)[] =   \
		rule "\0" why

/* ---------------------------------------------------------------------
 * Running SQL
 * --------------------------------------------------------------------- */

/* Runs `sql`, which may hold several statements separated by semicolons.
 * Offline it is recorded for the script. Online, in a transactional
 * revision, the host sends it later (ABI 1.3): the revision's statements,
 * the host's BEGIN and settings before them and its version-table change,
 * history row and COMMIT after them travel in one round trip, when the
 * revision returns or at the next sync point before that: a query helper
 * (vh_query_value, vh_query_int), which needs an answer, or vh_conn().
 * So a 0 from vh_exec means the text was accepted for sending; a server
 * error (message, SQLSTATE, the failing statement) is returned by the next
 * sync point, or reported by the host, which then rolls the revision back.
 * After a deferred statement failed, every later call returns VH_EDB
 * without sending anything, and the revision fails. A revision that must
 * react to one statement's failure (SAVEPOINT, then ROLLBACK TO SAVEPOINT)
 * runs that statement through vh_query_value (e.g. "...; SELECT 1"), whose
 * own failure is returned to it as before.
 * Non-transactional revisions, and revisions built against ABI 1.2 or
 * earlier, send each text at once. Returns 0, or VH_EDB with the server's
 * message, SQLSTATE and the statement kept for vh_last_error(). `sql`
 * stays the caller's. */
int vh_exec(vh_ctx *ctx, const char *sql);

/* Like vh_exec, with the statement built from `fmt` in the manner of
 * PostgreSQL's format():
 *   %I  a C string, quoted as an identifier when it needs it ("Odd Name")
 *   %L  a C string, quoted as a literal ('it''s'); NULL gives NULL
 *   %s  a C string inserted as is (trusted SQL text only)
 *   %d  an int;  %ld a long;  %lld a long long
 *   %%  a percent sign
 * Anything else is VH_EINVAL, and nothing is run. (No printf format
 * attribute: the compiler would reject %I and %L under -Wformat.) */
int vh_execf(vh_ctx *ctx, const char *fmt, ...);

/* Builds a string from `fmt` exactly as vh_execf does, without running it.
 * On success *out is the caller's, to release with vh_free(). */
int vh_format(vh_ctx *ctx, char **out, const char *fmt, ...);

/* Runs a query built as in vh_execf and returns the first column of its
 * first row in *out (NULL when that value is SQL NULL); the caller releases
 * it with vh_free(). VH_ENOTFOUND when the query returned no row,
 * VH_EOFFLINE when running offline, VH_EDB on a server error. */
int vh_query_value(vh_ctx *ctx, char **out, const char *fmt, ...);

/* Like vh_query_value, for a single integer value (count(*), 1/0 tests).
 * A boolean counts as 1 (true) or 0 (false), so `SELECT EXISTS (...)` works.
 * A NULL or non-integer value is VH_EINVAL. */
int vh_query_int(vh_ctx *ctx, long long *out, const char *fmt, ...);

/* Releases memory the SDK handed out. vh_free(NULL) does nothing. */
void vh_free(void *ptr);

/* ---------------------------------------------------------------------
 * The environment of the run
 * --------------------------------------------------------------------- */

/* The target schema (config `schema`), already on the search_path during
 * the revision. Owned by the context. */
const char *vh_schema(const vh_ctx *ctx);

/* The id of the revision being run. Owned by the context. */
const char *vh_revision_id(const vh_ctx *ctx);

/* 1 when rendering an offline script (--sql), 0 when connected. */
int vh_is_offline(const vh_ctx *ctx);

/* The value of `-x KEY=VALUE` given on the command line for `key`
 * (Alembic's context.get_x_argument(as_dictionary=True)), or NULL when it was
 * not given. For data migrations that take a batch size or a tenant filter.
 * Owned by the context. (ABI 1.2) */
const char *vh_xarg(const vh_ctx *ctx, const char *key);

/* The raw libpq connection, for what the helpers don't cover (COPY, binary
 * parameters). NULL offline: a revision that needs it cannot be rendered as a
 * script, and the host says so. The connection stays the host's: never close
 * it, never end the transaction on it. */
PGconn *vh_conn(vh_ctx *ctx);

/* ---------------------------------------------------------------------
 * Logging and errors
 * --------------------------------------------------------------------- */

typedef enum vh_log_level { VH_LOG_DEBUG, VH_LOG_INFO, VH_LOG_WARNING } vh_log_level;

/* Writes a line to the host's log (stderr), prefixed with the revision id.
 * INFO is hidden by -q, DEBUG shown only with -v. */
void vh_log(vh_ctx *ctx, vh_log_level level, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

/* Reports why the revision fails, and returns VH_ERROR so a revision can
 * write `return vh_error(ctx, "table %s has duplicates", name);`. The host
 * prints the message with the revision's id. */
int vh_error(vh_ctx *ctx, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* The last failure in this context. Never NULL; fields are "" when unset.
 * Owned by the context, valid until the next SDK call on it. */
typedef struct vh_error_info {
	const char *message;   /* the server's or vh_error()'s message */
	const char *sqlstate;  /* five characters, or "" when not from the server */
	const char *statement; /* the failing statement, or "" */
} vh_error_info;

const vh_error_info *vh_last_error(const vh_ctx *ctx);

#ifdef __cplusplus
}
#endif

#endif /* VHOST_SDK_H */
