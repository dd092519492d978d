/* vh_diff_keys.c - the diff of a table's constraints and indexes, matched
 * by name (a changed one is dropped and made again), and the foreign keys
 * that must step aside while the key they refer to changes. */
#include <stdlib.h>
#include <string.h>

#include "vh_diff_int.h"

/* ---------------------------------------------------------------------
 * Constraints and indexes
 * --------------------------------------------------------------------- */

/* See find_column. */
static const vh_icons *find_cons(const vh_itable *t, const char *name)
{
	size_t i;

	for (i = 0; t && i < t->ncons; i++)
		if (strcmp(t->cons[i].name, name) == 0)
			return &t->cons[i];
	return NULL;
}

/* See find_column. */
static const vh_iindex *find_index(const vh_itable *t, const char *name)
{
	size_t i;

	for (i = 0; t && i < t->nidx; i++)
		if (strcmp(t->idx[i].name, name) == 0)
			return &t->idx[i];
	return NULL;
}

/* ADD CONSTRAINT (unless CREATE TABLE already holds it) and its comment. */
void vh_diff_add_cons(vh_dbuilder *b, const vh_itable *t, const vh_icons *k, int inline_done)
{
	int fk = k->type == 'f';

	if (!inline_done)
		vh_diff_add(b, fk ? VH_OP_ADD_FK : VH_OP_ADD_CONSTRAINT, fk ? PH_ADD_FK : PH_ADD_CONS, 0,
		    t->name, k->name, strdup(k->def),
		    vh_diff_fmt("ALTER TABLE %s ADD CONSTRAINT %s %s", t->name, k->name, k->def), NULL);
	if (k->comment)
		vh_diff_comment(b, "constraint", t->name, k->name, k->comment);
}

/* DROP CONSTRAINT, in phase 1 for a foreign key, 2 otherwise. */
void vh_diff_remove_cons(vh_dbuilder *b, const vh_itable *t, const vh_icons *k)
{
	int fk = k->type == 'f';

	vh_diff_add(b, fk ? VH_OP_REMOVE_FK : VH_OP_REMOVE_CONSTRAINT, fk ? PH_DROP_FK : PH_DROP_CONS, 0,
	    t->name, k->name, strdup(k->def),
	    vh_diff_fmt("ALTER TABLE %s DROP CONSTRAINT %s", t->name, k->name), NULL);
}

/* CREATE INDEX from the definition's tail, and its comment. */
void vh_diff_add_index(vh_dbuilder *b, const vh_itable *t, const vh_iindex *x)
{
	char *sql = vh_diff_fmt("CREATE %sINDEX %s ON %s %s", x->unique ? "UNIQUE " : "", x->name,
			t->name, x->body);

	vh_diff_add(b, VH_OP_ADD_INDEX, PH_ADD_INDEX, 0, t->name, x->name,
	    vh_diff_fmt("%sINDEX %s", x->unique ? "UNIQUE " : "", x->body), sql, NULL);
	if (x->comment)
		vh_diff_comment(b, "index", t->name, x->name, x->comment);
}

/* DROP INDEX. */
static void remove_index(vh_dbuilder *b, const vh_itable *t, const vh_iindex *x)
{
	vh_diff_add(b, VH_OP_REMOVE_INDEX, PH_DROP_INDEX, 0, t->name, x->name,
	    vh_diff_fmt("%sINDEX %s", x->unique ? "UNIQUE " : "", x->body),
	    vh_diff_fmt("DROP INDEX %s", x->name), NULL);
}

/* 1 when a primary key, unique constraint or unique index of `f` goes or
 * changes in `t`: a foreign key elsewhere may depend on it, and PostgreSQL
 * will not drop it from under one. */
int vh_diff_keys_change(const vh_itable *f, const vh_itable *t)
{
	size_t i;

	for (i = 0; i < f->ncons; i++) {
		const vh_icons *k = find_cons(t, f->cons[i].name);

		if ((f->cons[i].type == 'p' || f->cons[i].type == 'u') &&
		    (!k || k->type != f->cons[i].type || strcmp(k->def, f->cons[i].def) != 0))
			return 1;
	}
	for (i = 0; i < f->nidx; i++) {
		const vh_iindex *x = find_index(t, f->idx[i].name);

		if (f->idx[i].unique && (!x || !x->unique || strcmp(x->body, f->idx[i].body) != 0))
			return 1;
	}
	return 0;
}

/* A foreign key that stays as it is but refers to a table whose keys
 * change: dropped before and added back after, so the key can change. */
static int refers_to_rekeyed(const vh_dbuilder *b, const vh_icons *k)
{
	const vh_itable *r = k->type == 'f' && k->ref_table ? vh_ischema_table(b->from, k->ref_table)
							     : NULL;

	return r && b->rekey[r - b->from->tables];
}

/* Constraints and indexes of a table on both sides, matched by name; a
 * changed one is dropped and made again. */
void vh_diff_keys(vh_dbuilder *b, const vh_itable *f, const vh_itable *t)
{
	size_t i;

	for (i = 0; i < f->ncons; i++) {
		const vh_icons *k = find_cons(t, f->cons[i].name);

		if (!k || k->type != f->cons[i].type || strcmp(k->def, f->cons[i].def) != 0 ||
		    refers_to_rekeyed(b, &f->cons[i]))
			vh_diff_remove_cons(b, f, &f->cons[i]);
	}
	for (i = 0; i < t->ncons; i++) {
		const vh_icons *k = &t->cons[i], *o = find_cons(f, k->name);

		if (!o || o->type != k->type || strcmp(o->def, k->def) != 0 || refers_to_rekeyed(b, o))
			vh_diff_add_cons(b, t, k, 0);
		else if (!vh_diff_same(o->comment, k->comment))
			vh_diff_comment(b, "constraint", t->name, k->name, k->comment);
	}
	for (i = 0; i < f->nidx; i++) {
		const vh_iindex *x = find_index(t, f->idx[i].name);

		if (!x || x->unique != f->idx[i].unique || strcmp(x->body, f->idx[i].body) != 0)
			remove_index(b, f, &f->idx[i]);
	}
	for (i = 0; i < t->nidx; i++) {
		const vh_iindex *x = &t->idx[i], *o = find_index(f, x->name);

		if (!o || o->unique != x->unique || strcmp(o->body, x->body) != 0)
			vh_diff_add_index(b, t, x);
		else if (!vh_diff_same(o->comment, x->comment))
			vh_diff_comment(b, "index", t->name, x->name, x->comment);
	}
}
