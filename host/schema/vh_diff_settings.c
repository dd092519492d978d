/* vh_diff_settings.c - the diff of table and column settings
 * (vh_introspect_settings.c): a value set or changed is set after every
 * table, column and index exists (PH_POLICY), a partition's after its
 * parent's; a value the other side lacks is put back to the default before
 * anything else (PH_DROP_POLICY), unless its table or column goes anyway.
 * A setting whose column is retyped or added again, or whose index is
 * dropped (and so rebuilt), is lost on the way: it is set again even when
 * both sides hold it. The target schema's own comment comes this way too
 * (vh_introspect_nsp_acl.c), its SQL naming the schema as %I. An
 * operation's object is its column or index (an online plan sets it after
 * an index built concurrently). */
#include <string.h>

#include "vh_diff_int.h"

/* 1 when an operation of `kind` acts on `table` (and `object`, when not
 * NULL). */
static int touched(const vh_dbuilder *b, vh_op_kind kind, const char *table, const char *object)
{
	for (size_t i = 0; i < b->d->nops; i++) {
		const vh_op *op = &b->d->ops[i];

		if (op->kind == kind && strcmp(op->table, table) == 0 &&
		    (!object || (op->object && strcmp(op->object, object) == 0)))
			return 1;
	}
	return 0;
}

/* See vh_diff_int.h. */
void vh_diff_setting(vh_dbuilder *b, const vh_iobject *f, const vh_iobject *t)
{
	const vh_iobject *o = t ? t : f;
	const vh_itable *tt = vh_ischema_table(b->to, o->table);
	int lost = f && o->extra &&
		   (touched(b, VH_OP_MODIFY_TYPE, o->table, o->extra) ||
		    touched(b, VH_OP_REMOVE_COLUMN, o->table, o->extra) ||
		    touched(b, VH_OP_REMOVE_INDEX, o->table, o->extra));
	/* A comment or a default is unset, a setting back to its default. */
	const char *unset = strstr(o->name, " comment") || strstr(o->name, " default") ? "none"
										       : "default";
	vh_op *op;

	if (touched(b, VH_OP_REMOVE_TABLE, o->table, NULL) ||
	    touched(b, VH_OP_REMOVE_OBJECT, o->table, NULL)) {
		if (!t)
			return; /* goes with its table or view */
		lost = 1;   /* dropped and created again */
	}
	if (touched(b, VH_OP_RECREATE_OBJECT, o->table, NULL))
		lost = 1; /* a view recreated */
	if (t && (!f || lost || strcmp(f->def, t->def) != 0)) {
		op = vh_diff_add(b, VH_OP_REPLACE_OBJECT, PH_POLICY, 0, t->table, t->extra,
				 f && strcmp(f->def, t->def) == 0
					 ? vh_diff_fmt("setting %s: %s, set again after the change "
						       "resets it", t->name, t->def)
					 : vh_diff_fmt("setting %s: %s -> %s", t->name,
						       f ? f->def : unset, t->def),
				 strdup(t->create), NULL);
		if (op && tt)
			op->order = tt->depth;
		if (op)
			op->target_fmt = strcmp(t->what, "SCHEMA") == 0;
	} else if (!t && !(f->extra && touched(b, VH_OP_REMOVE_COLUMN, f->table, f->extra))) {
		op = vh_diff_add(b, VH_OP_REPLACE_OBJECT, PH_DROP_POLICY, 0, f->table, f->extra,
				 vh_diff_fmt("setting %s: %s -> %s", f->name, f->def, unset),
				 strdup(f->drop), NULL);
		if (op)
			op->target_fmt = strcmp(f->what, "SCHEMA") == 0;
	}
}
