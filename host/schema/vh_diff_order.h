/* vh_diff_order.h - dependency order on top of the diff's phases: the
 * catalog's own dependencies (pg_depend) between the objects a diff creates
 * or drops, and a stable reordering of the operations that honours them,
 * or a one-line error naming the objects when they form a cycle no order
 * can satisfy.
 *
 * The phases of vh_diff_int.h order kinds (routines before tables, views
 * after tables...), which is right for most schemas and wrong for some: a
 * SQL-standard function body (BEGIN ATOMIC) reads a table the same revision
 * creates, a view calls a function that reads that view. pg_depend knows;
 * so each side's dependencies are read while its schema exists, and the
 * operations are moved only as far as those dependencies require. */
#ifndef VH_DIFF_ORDER_H
#define VH_DIFF_ORDER_H

#include <libpq-fe.h>

#include "vh_diff.h"

/* "a needs b" pairs between objects of one schema, as keys "rel:name",
 * "fn:name(args)", "type:name" (names as vh_introspect renders them). */
typedef struct vh_deps {
	char **need; /* need[2*i] needs need[2*i+1] */
	size_t n;
} vh_deps;

/* Reads the dependencies between relations, routines and enum types of
 * `schema` (normal dependencies of the objects themselves, their defaults,
 * checks and view rules; foreign keys left out, since the plan adds them
 * after every table). `conn` must be inside a transaction: the search_path
 * is set locally for rendering routine signatures, and put back. On
 * success *out is the caller's (vh_deps_free). VH_ERR_DB or VH_ERR_NOMEM. */
int vh_deps_read(vh_deps **out, PGconn *conn, const char *schema);

void vh_deps_free(vh_deps *d);

/* Reorders d->ops so that an object is created after what it needs (per
 * `to`, the side the diff creates) and dropped before what it needs (per
 * `from`), moving as little as possible; operations without such a need
 * keep their place. A cycle is VH_ERR_GENERIC, "dependency cycle ...:
 * view v needs function f(), which needs view v", naming `direction`
 * ("upgrade", "downgrade"). VH_ERR_NOMEM otherwise. */
int vh_diff_order(vh_diff *d, const vh_deps *from, const vh_deps *to, const char *direction);

#endif
