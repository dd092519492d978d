/* vh_diff.h - the operations that turn one schema (as vh_introspect read
 * it) into another, each as one SQL statement, in an order that runs.
 *
 * Autogenerate diffs the database against the model for upgrade() and the
 * model against the database for downgrade(): the same rules both ways, so
 * the downgrade is ordered as carefully as the upgrade.
 *
 * The order (phases, then table, object and a per-column step):
 *   1 drop foreign keys (removed or changed ones; those of tables about to
 *     be dropped, so tables drop in any order; those referring to a primary
 *     or unique key that changes, added back in 11)   2 drop other constraints
 *   3 drop indexes   4 drop tables   5 drop columns   6 create tables
 *     (columns and non-foreign-key constraints inline)   7 add columns
 *   8 alter columns (drop identity, type, default, nullability, add
 *     identity)   9 add constraints   10 add indexes   11 add foreign keys
 *     (every referenced table and key exists by now)   12 comments.
 * Around that (vh_diff_objects.c): triggers and views are dropped first and
 * created last (views in creation order, so a view over a view comes
 * after it); routines, sequences and enum types are created before the
 * tables and dropped after the columns stop using them; a view that reads a table whose columns
 * are dropped or change type is dropped and created again, and says so.
 * Schemas and extensions the model creates come first, domains and
 * composite types with the enums, partitions after their parents, and all
 * drop in reverse (vh_diff_types.c, vh_diff_partitions.c).
 * Autogenerate then moves operations the catalog's dependencies say must
 * come first or later (vh_diff_order.h), or refuses a cycle.
 * Policies are dropped and privileges revoked before all that, policies
 * created and privileges granted after it (vh_diff_acl.c).
 * A changed constraint or index is dropped and created again. Renames are
 * not guessed: a renamed table or column is a drop and an add, and the drop
 * says so in its review note. */
#ifndef VH_DIFF_H
#define VH_DIFF_H

#include <stddef.h>

#include "vh_introspect.h"

typedef enum vh_op_kind {
	VH_OP_ADD_TABLE,
	VH_OP_REMOVE_TABLE,
	VH_OP_ADD_COLUMN,
	VH_OP_REMOVE_COLUMN,
	VH_OP_MODIFY_TYPE,
	VH_OP_MODIFY_NULLABLE,
	VH_OP_MODIFY_DEFAULT,
	VH_OP_MODIFY_IDENTITY,
	VH_OP_ADD_CONSTRAINT,
	VH_OP_REMOVE_CONSTRAINT,
	VH_OP_ADD_FK,
	VH_OP_REMOVE_FK,
	VH_OP_ADD_INDEX,
	VH_OP_REMOVE_INDEX,
	VH_OP_MODIFY_COMMENT,
	VH_OP_ADD_OBJECT,     /* enum, sequence, routine, view, trigger */
	VH_OP_REMOVE_OBJECT,
	VH_OP_REPLACE_OBJECT, /* CREATE OR REPLACE, ALTER SEQUENCE */
	VH_OP_RECREATE_OBJECT, /* dropped and created again: one op each way */
	VH_OP_ADD_ENUM_VALUE,
	VH_OP_RENAME_ENUM_VALUE,
	VH_OP_ATTACH_PARTITION, /* vh_diff_partitions.c */
	VH_OP_DETACH_PARTITION,
	VH_OP_VALIDATE_CONSTRAINT /* online plans (vh_autogen_plan) */
} vh_op_kind;

typedef struct vh_op {
	vh_op_kind kind;
	int phase;    /* see vh_diff_int.h */
	long order;   /* within a phase: views by creation order */
	int step;     /* order among one column's alterations */
	char *table;  /* quoted table name */
	char *object; /* column, constraint or index name; NULL for a table */
	char *detail; /* "text -> integer", a definition...; NULL when none */
	char *sql;    /* one statement, unqualified, without a semicolon */
	char *review; /* why a person should look before running it; NULL if safe */
	size_t seq;   /* creation order, the last sort key */
	int target_fmt; /* sql names the target schema as %I (other % doubled): a
			 * revision runs vh_execf(ctx, sql, vh_schema(ctx)), so it
			 * serves whatever schema it runs in */
} vh_op;

typedef struct vh_diff {
	vh_op *ops; /* in running order */
	size_t nops;
	size_t cap;
	/* Differences no operation covers (vh_inventory.h), "kind name: from
	 * -> to"; filled by autogenerate, NULL-terminated or NULL. */
	char **unmodelled;
	size_t nunmodelled;
} vh_diff;

/* The operations that make `from` look like `to`, in running order. On
 * success *out is the caller's (vh_diff_free); an empty diff has nops 0.
 * Fails only with VH_ERR_NOMEM. */
int vh_diff_compute(vh_diff **out, const vh_ischema *from, const vh_ischema *to);

/* Frees a diff; NULL does nothing. */
void vh_diff_free(vh_diff *d);

/* Alembic's name for the kind: "add_table", "modify_nullable", ... */
const char *vh_op_name(vh_op_kind kind);

/* One line for `vhost check` and the revision's comments:
 * "add_column users.nickname: text". Caller frees; NULL when out of memory. */
char *vh_op_describe(const vh_op *op);

/* Appends a sentence to op->review ("A. B."). Returns 0 or VH_ERR_NOMEM. */
int vh_op_add_review(vh_op *op, const char *text);

#endif
