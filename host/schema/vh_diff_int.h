/* vh_diff_int.h - what the files of the diff share: the phases and
 * column steps of vh_diff.h, the builder that collects operations, and
 * each object kind's entry points. Private to host/schema. */
#ifndef VH_DIFF_INT_H
#define VH_DIFF_INT_H

#include "vh_diff.h"

/* The phases of vh_diff.h, in running order, with the other objects'
 * around the tables' (vh_diff_objects.c): routines, sequences and enums
 * are created before the tables and dropped once no column's type or
 * default uses them any more; a routine dropped to be created again goes
 * before its new version. */
enum {
	PH_DROP_TRIGGER = 1, PH_DROP_VIEW, PH_DROP_FK, PH_DROP_CONS, PH_DROP_INDEX, PH_DROP_TABLE,
	PH_DROP_COLUMN, PH_REDROP_ROUTINE, PH_ALTER_ENUM, PH_CREATE_ENUM, PH_SEQUENCE, PH_ROUTINE,
	PH_CREATE_TABLE, PH_ADD_COLUMN, PH_ALTER_COLUMN, PH_DROP_ROUTINE, PH_DROP_SEQUENCE,
	PH_DROP_ENUM, PH_ADD_CONS, PH_ADD_INDEX, PH_ADD_FK, PH_SEQUENCE_OWNER, PH_CREATE_VIEW,
	PH_CREATE_TRIGGER, PH_COMMENT
};

/* Steps of one column's alteration: identity must go before NOT NULL can,
 * a default must go (and NOT NULL come) before identity can be added. */
enum { ST_DROP_IDENTITY, ST_TYPE, ST_DEFAULT, ST_NULLABLE, ST_ADD_IDENTITY };

/* The diff being built. */
typedef struct vh_dbuilder {
	vh_diff *d;
	const vh_ischema *from, *to;
	unsigned char *rekey; /* per table of `from`: a key foreign keys may use changes */
	int oom;
} vh_dbuilder;

/* printf into a new string; NULL when out of memory. */
char *vh_diff_fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

/* 1 when both are NULL or both equal strings. */
int vh_diff_same(const char *a, const char *b);

/* Adds an operation. `sql`, `detail` are taken over (freed on failure),
 * `review` copied; a NULL `sql` means an allocation failed. Failures only
 * set b->oom, so callers chain additions and check once. */
vh_op *vh_diff_add(vh_dbuilder *b, vh_op_kind kind, int phase, int step, const char *table,
		   const char *object, char *detail, char *sql, const char *review);

/* COMMENT ON <kind> (table, column, constraint, index) ... IS `text` (a
 * quoted literal, NULL to remove). */
void vh_diff_comment(vh_dbuilder *b, const char *kind, const char *table, const char *object,
		     const char *text);

/* The REVIEW note of an ALTER TYPE ... ADD VALUE whose label the same
 * revision uses (vh_diff_objects.c); the online plan removes it where the
 * statement gets a non-transactional revision of its own. */
extern const char vh_diff_label_note[];

/* Columns (vh_diff_columns.c). */
char *vh_diff_column_def(const vh_icolumn *c);
const vh_icolumn *vh_diff_find_column(const vh_itable *t, const char *name);
const char *vh_diff_rename_note(const char *what);
void vh_diff_add_column(vh_dbuilder *b, const vh_itable *t, const vh_icolumn *c);
void vh_diff_remove_column(vh_dbuilder *b, const vh_itable *t, const vh_icolumn *c,
			   const char *why);
void vh_diff_alter_column(vh_dbuilder *b, const vh_itable *t, const vh_icolumn *f,
			  const vh_icolumn *c);

/* Constraints and indexes (vh_diff_keys.c). */
void vh_diff_add_cons(vh_dbuilder *b, const vh_itable *t, const vh_icons *k, int inline_done);
void vh_diff_remove_cons(vh_dbuilder *b, const vh_itable *t, const vh_icons *k);
void vh_diff_add_index(vh_dbuilder *b, const vh_itable *t, const vh_iindex *x);
int vh_diff_keys_change(const vh_itable *f, const vh_itable *t);
void vh_diff_keys(vh_dbuilder *b, const vh_itable *f, const vh_itable *t);

/* Enums, sequences, routines, views, triggers (vh_diff_objects.c), after
 * the tables' operations are in: views over changed tables need them. */
void vh_diff_objects(vh_dbuilder *b, const vh_ischema *from, const vh_ischema *to);

/* An enum whose labels changed (vh_diff_enums.c); `to` is the schema
 * `from` becomes. */
void vh_diff_enum(vh_dbuilder *b, const vh_ischema *from, const vh_ischema *to,
		  const vh_iobject *f, const vh_iobject *t);

/* Row level security, policies and privileges (vh_diff_acl.c): policies
 * dropped and privileges revoked before everything (phase 0), switches,
 * policies and their comments after everything else, grants last. */
enum { PH_DROP_POLICY = 0, PH_POLICY = PH_COMMENT + 1, PH_GRANT };
int vh_diff_acl_kind(vh_iobj_kind k);

/* A table or column setting on either side or both (vh_diff_settings.c),
 * dispatched by vh_diff_acl with the kinds above. */
void vh_diff_setting(vh_dbuilder *b, const vh_iobject *f, const vh_iobject *t);
void vh_diff_acl(vh_dbuilder *b, const vh_ischema *from, const vh_ischema *to);

/* Tables (vh_diff_tables.c). */
void vh_diff_create_table(vh_dbuilder *b, const vh_itable *t);
void vh_diff_drop_table(vh_dbuilder *b, const vh_itable *t);
void vh_diff_table(vh_dbuilder *b, const vh_itable *f, const vh_itable *t);

/* Domains, composite types, extensions (vh_diff_types.c): a changed one
 * (1 when it was created anew, with its comment), and the order of each
 * within its create (`create` 1) or drop phase. */
int vh_diff_type_change(vh_dbuilder *b, const vh_ischema *from, const vh_iobject *f,
			const vh_iobject *t);
long vh_diff_type_order(const vh_iobject *o, int create);

/* Partitions (vh_diff_partitions.c): CREATE TABLE ... PARTITION OF, the
 * PARTITION BY clause of a partitioned table, and a table whose parent or
 * bound changes detached and attached. */
char *vh_diff_partition_create(const vh_itable *t);
char *vh_diff_partition_by(char *sql, const vh_itable *t);
void vh_diff_partition(vh_dbuilder *b, const vh_itable *f, const vh_itable *t);
/* A partition's own column defaults and NOT NULL, those its parent does
 * not give it: `t` a partition of `to`, `f` the same partition of the same
 * parent in `from`, or NULL when the diff creates it. */
void vh_diff_partition_columns(vh_dbuilder *b, const vh_itable *f, const vh_itable *t);

#endif
