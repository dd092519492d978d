/* vh_autogen_online.h - what the online plan (vh_autogen_online.c) asks
 * of the operations it moves, kept apart from the splitting itself
 * (vh_autogen_online_ops.c): a key's definition as an index plus USING
 * INDEX, the temporary NOT NULL check's name, and whether an enum's added
 * labels can be taken back by a revision of their own. Private to
 * host/schema. */
#ifndef VH_AUTOGEN_ONLINE_H
#define VH_AUTOGEN_ONLINE_H

#include "vh_diff.h"

/* A PRIMARY KEY or UNIQUE constraint that ADD_CONSTRAINT `op` adds, as
 * the unique index to build first (*index: "CREATE UNIQUE INDEX name ON
 * table (...)", to be made CONCURRENTLY by the caller) and the statement
 * that turns it into the constraint (*attach: "ALTER TABLE ... ADD
 * CONSTRAINT name PRIMARY KEY USING INDEX name [DEFERRABLE ...]").
 * Returns 1 with both set (the caller's), 0 when the definition is not
 * one USING INDEX takes as it is (EXCLUDE, WITH (...), USING INDEX
 * TABLESPACE, anything not a key), -1 out of memory. */
int vh_online_key(const vh_op *op, char **index, char **attach);

/* 1 when `d` (an ADD_CONSTRAINT of a primary key) holds `column`. */
int vh_online_key_has(const vh_op *d, const char *column);

/* The name of the temporary check that stands for NOT NULL on table.col:
 * vh_nn_<table>_<col>, cut to 63 bytes, quoted when it needs to be; NULL
 * when out of memory. */
char *vh_online_nn_name(const char *table, const char *col);

/* 1 when the downgrade of the labels `up` adds (ALTER TYPE ... ADD VALUE)
 * can run on its own after the rest of the change (`down`) is undone: the
 * change drops and retypes no column of those types (else the types are
 * recreated in the downgrade of the change instead). */
int vh_online_enum_alone(const vh_diff *up, const vh_diff *down);

/* 1 when `text` names `name` as a whole word (a column in an index's
 * definition, a type in a column's): a name that only looks like one
 * errs on the safe side. */
int vh_online_mentions(const char *text, const char *name);

/* Removes vh_diff_label_note from `op`'s review note (the statement runs
 * outside a transaction now). VH_ERR_NOMEM only. */
int vh_online_drop_label_note(vh_op *op);

#endif
