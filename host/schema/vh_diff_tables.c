/* vh_diff_tables.c - the diff of whole tables: CREATE TABLE with what
 * it holds, DROP TABLE after its foreign keys, and a table on both sides
 * handed on column by column and key by key. */
#include <stdlib.h>
#include <string.h>

#include "vh_diff_int.h"

/* ---------------------------------------------------------------------
 * Tables
 * --------------------------------------------------------------------- */

/* CREATE TABLE with the columns and every constraint but foreign keys,
 * which come after all tables exist. NULL when out of memory. */
static char *create_table_sql(const vh_itable *t)
{
	char *sql = vh_diff_fmt("CREATE TABLE %s (", t->name), *next;
	const char *sep = "\n  ";
	size_t i;

	if (t->parent) {
		free(sql);
		return vh_diff_partition_create(t);
	}
	for (i = 0; sql && i < t->ncols; i++) {
		char *def = vh_diff_column_def(&t->cols[i]);

		next = def ? vh_diff_fmt("%s%s%s", sql, sep, def) : NULL;
		free(def);
		free(sql);
		sql = next;
		sep = ",\n  ";
	}
	for (i = 0; sql && i < t->ncons; i++) {
		if (t->cons[i].type == 'f')
			continue;
		next = vh_diff_fmt("%s%sCONSTRAINT %s %s", sql, sep, t->cons[i].name, t->cons[i].def);
		free(sql);
		sql = next;
		sep = ",\n  ";
	}
	next = sql ? vh_diff_fmt("%s%s)", sql, t->ncols || t->ncons ? "\n" : "") : NULL;
	free(sql);
	return vh_diff_partition_by(next, t);
}

/* A table only in the model: CREATE TABLE, then its comments, foreign
 * keys and indexes as operations of their own phases. */
void vh_diff_create_table(vh_dbuilder *b, const vh_itable *t)
{
	size_t i;
	vh_op *op = vh_diff_add(b, VH_OP_ADD_TABLE, PH_CREATE_TABLE, 0, t->name, NULL, NULL,
				create_table_sql(t), NULL);

	if (op) /* a partition after its parent */
		op->order = t->depth;
	if (t->parent)
		vh_diff_partition_columns(b, NULL, t);
	if (t->comment)
		vh_diff_comment(b, "table", t->name, NULL, t->comment);
	for (i = 0; i < t->ncols; i++)
		if (t->cols[i].comment)
			vh_diff_comment(b, "column", t->name, t->cols[i].name, t->cols[i].comment);
	for (i = 0; i < t->ncons; i++)
		vh_diff_add_cons(b, t, &t->cons[i], t->cons[i].type != 'f' && !t->parent);
	for (i = 0; i < t->nidx; i++)
		vh_diff_add_index(b, t, &t->idx[i]);
}

/* Its foreign keys go first, on their own, so that dropped tables that
 * refer to each other drop in any order. */
void vh_diff_drop_table(vh_dbuilder *b, const vh_itable *t)
{
	size_t i;
	vh_op *op;

	for (i = 0; i < t->ncons; i++)
		if (t->cons[i].type == 'f')
			vh_diff_remove_cons(b, t, &t->cons[i]);
	op = vh_diff_add(b, VH_OP_REMOVE_TABLE, PH_DROP_TABLE, 0, t->name, NULL, NULL,
	    vh_diff_fmt("DROP TABLE %s", t->name), vh_diff_rename_note("table"));
	if (op) /* a partition before its parent */
		op->order = -t->depth;
}

/* A table on both sides: columns matched by name, then keys, then the
 * table's comment. */
void vh_diff_table(vh_dbuilder *b, const vh_itable *f, const vh_itable *t)
{
	size_t i;

	vh_diff_partition(b, f, t);
	if (f->parent && t->parent && strcmp(f->parent, t->parent) == 0)
		vh_diff_partition_columns(b, f, t);
	/* A partition's columns are its parent's. */
	for (i = 0; i < f->ncols && !(f->parent && t->parent); i++)
		if (!vh_diff_find_column(t, f->cols[i].name))
			vh_diff_remove_column(b, f, &f->cols[i], NULL);
	for (i = 0; i < t->ncols && !(f->parent && t->parent); i++) {
		const vh_icolumn *o = vh_diff_find_column(f, t->cols[i].name);

		if (o)
			vh_diff_alter_column(b, t, o, &t->cols[i]);
		else
			vh_diff_add_column(b, t, &t->cols[i]);
	}
	vh_diff_keys(b, f, t);
	if (!vh_diff_same(f->comment, t->comment))
		vh_diff_comment(b, "table", t->name, NULL, t->comment);
}
