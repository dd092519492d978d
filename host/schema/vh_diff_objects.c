/* vh_diff_objects.c - the diff of the objects that are not tables: enum
 * types, sequences, functions and procedures, views and materialized
 * views, triggers. Matched by kind and name (a routine by its signature);
 * a changed one is replaced where PostgreSQL can (CREATE OR REPLACE
 * FUNCTION with the same result, ALTER SEQUENCE, ALTER TYPE ... ADD VALUE),
 * else dropped and created again, with a note. A view that reads a table
 * whose columns go or change type, or a view that is itself recreated, is
 * dropped and created again around the change. */
#include <stdlib.h>
#include <string.h>

#include "vh_diff_int.h"

/* Lower-case kind for descriptions ("materialized view"). */
static char *lower_what(const vh_iobject *o)
{
	char *s = strdup(o->kind == VH_IOBJ_ENUM ? "enum" : o->what);

	for (char *p = s; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return s;
}

/* "view active_users", "trigger trg on t". */
static char *label(const vh_iobject *o, const char *detail)
{
	char *w = lower_what(o), *s;

	s = w ? vh_diff_fmt("%s %s%s%s%s%s", w, o->name, o->kind == VH_IOBJ_TRIGGER ? " on " : "",
			    o->kind == VH_IOBJ_TRIGGER ? o->table : "", detail ? ": " : "",
			    detail ? detail : "")
	      : NULL;
	free(w);
	return s;
}

/* The phases a kind is dropped and created in. */
static int drop_phase(vh_iobj_kind k)
{
	static const int p[] = {PH_DROP_ENUM, PH_DROP_SEQUENCE, PH_DROP_ROUTINE, PH_DROP_VIEW,
				PH_DROP_TRIGGER,
				/* domain, composite, extension, schema */
				PH_DROP_ENUM, PH_DROP_ENUM, PH_DROP_ENUM, PH_DROP_ENUM};
	return p[k];
}

static int create_phase(vh_iobj_kind k)
{
	static const int p[] = {PH_CREATE_ENUM, PH_SEQUENCE, PH_ROUTINE, PH_CREATE_VIEW,
				PH_CREATE_TRIGGER,
				/* domain, composite, extension, schema */
				PH_CREATE_ENUM, PH_CREATE_ENUM, PH_ALTER_ENUM, PH_ALTER_ENUM};
	return p[k];
}

/* COMMENT ON <what> name IS text (NULL: removed). */
static void object_comment(vh_dbuilder *b, const vh_iobject *o, const char *text)
{
	char *sql = o->kind == VH_IOBJ_TRIGGER
			    ? vh_diff_fmt("COMMENT ON TRIGGER %s ON %s IS %s", o->name, o->table,
					  text ? text : "NULL")
			    : vh_diff_fmt("COMMENT ON %s %s IS %s", o->what, o->name,
					  text ? text : "NULL");

	vh_diff_add(b, VH_OP_MODIFY_COMMENT, PH_COMMENT, 0, o->name, NULL, lower_what(o), sql, NULL);
}

/* The creation statements (several for a materialized view with indexes,
 * a disabled trigger), then its comment and a sequence's owner. */
static void create_object(vh_dbuilder *b, const vh_iobject *o, vh_op_kind kind,
			  const char *review)
{
	const char *p = o->create;
	int phase = create_phase(o->kind);
	long order = o->kind == VH_IOBJ_VIEW ? (long)o->oid : vh_diff_type_order(o, 1);

	while (*p) {
		size_t n = strcspn(p, "\x1e");
		vh_op *op = vh_diff_add(b, kind, phase, 0, o->name, NULL,
					label(o, p == o->create ? NULL
						 : o->kind == VH_IOBJ_VIEW ? "index"
						 : strstr(p, " DISABLE TRIGGER ") ? "disabled"
						 : strstr(p, " ENABLE REPLICA ") ? "enabled replica"
										  : "enabled always"),
					strndup(p, n),
					p == o->create ? review : NULL);

		if (op)
			op->order = order;
		p += n + (p[n] != '\0');
	}
	if (o->comment)
		object_comment(b, o, o->comment);
	if (o->kind == VH_IOBJ_SEQUENCE && o->table)
		vh_diff_add(b, VH_OP_REPLACE_OBJECT, PH_SEQUENCE_OWNER, 0, o->name, NULL,
			    label(o, "owned by"),
			    vh_diff_fmt("ALTER SEQUENCE %s OWNED BY %s", o->name, o->table), NULL);
}

static void drop_object(vh_dbuilder *b, const vh_iobject *o, vh_op_kind kind, const char *review)
{
	int phase = kind == VH_OP_RECREATE_OBJECT && o->kind == VH_IOBJ_FUNCTION ? PH_REDROP_ROUTINE
										 : drop_phase(o->kind);
	vh_op *op = vh_diff_add(b, kind, phase, 0, o->name, NULL, label(o, NULL),
				strdup(o->drop), review);

	if (op && o->kind == VH_IOBJ_VIEW)
		op->order = -(long)o->oid;
	else if (op)
		op->order = vh_diff_type_order(o, 0);
}

/* Both sides hold `f` and `t` (same kind and name) with different
 * definitions. Returns 1 when `t` was created anew (with its comment). */
static int change_object(vh_dbuilder *b, const vh_ischema *from, const vh_ischema *to,
			 const vh_iobject *f, const vh_iobject *t)
{
	switch (t->kind) {
	case VH_IOBJ_ENUM:
		vh_diff_enum(b, from, to, f, t);
		return 0;
	case VH_IOBJ_SEQUENCE:
		if (strcmp(f->extra, t->extra) != 0)
			vh_diff_add(b, VH_OP_REPLACE_OBJECT, PH_SEQUENCE, 0, t->name, NULL,
				    label(t, t->extra),
				    vh_diff_fmt("ALTER SEQUENCE %s %s", t->name, t->extra), NULL);
		if (!vh_diff_same(f->table, t->table))
			vh_diff_add(b, VH_OP_REPLACE_OBJECT, PH_SEQUENCE_OWNER, 0, t->name, NULL,
				    label(t, "owned by"),
				    vh_diff_fmt("ALTER SEQUENCE %s OWNED BY %s", t->name,
						t->table ? t->table : "NONE"),
				    NULL);
		return 0;
	case VH_IOBJ_DOMAIN:
	case VH_IOBJ_COMPOSITE:
	case VH_IOBJ_EXTENSION:
		return vh_diff_type_change(b, from, f, t);
	case VH_IOBJ_FUNCTION:
		if (strcmp(f->extra, t->extra) == 0) {
			vh_diff_add(b, VH_OP_REPLACE_OBJECT, PH_ROUTINE, 0, t->name, NULL,
				    label(t, NULL), strdup(t->create), NULL);
			return 0;
		}
		drop_object(b, f, VH_OP_RECREATE_OBJECT,
			    "The result type or kind changed, which CREATE OR REPLACE cannot do: "
			    "dropped and created again. Whatever uses it (a default, a view, a "
			    "trigger, a policy) must be dropped before and created after.");
		create_object(b, t, VH_OP_RECREATE_OBJECT, NULL);
		return 1;
	default:
		drop_object(b, f, VH_OP_RECREATE_OBJECT,
			    t->kind == VH_IOBJ_VIEW && strcmp(t->what, "VIEW") != 0
				    ? "Dropped and created again: the materialized view is "
				      "computed anew (WITH DATA), under an exclusive lock."
				    : NULL);
		create_object(b, t, VH_OP_RECREATE_OBJECT, NULL);
		return 1;
	}
}

/* ",a,b," holds ",name,". */
static int reads(const vh_iobject *v, const char *name)
{
	size_t n = strlen(name);
	const char *p = v->extra;

	while (p && (p = strstr(p, name)) != NULL) {
		if (p > v->extra && p[-1] == ',' && p[n] == ',')
			return 1;
		p += n;
	}
	return 0;
}

/* The tables whose columns go or change type, or that go: views over them
 * cannot stay. 1 when `name` is one. */
static int disturbed(const vh_dbuilder *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->d->nops; i++) {
		const vh_op *op = &b->d->ops[i];

		if ((op->kind == VH_OP_REMOVE_COLUMN || op->kind == VH_OP_MODIFY_TYPE ||
		     op->kind == VH_OP_REMOVE_TABLE) &&
		    strcmp(op->table, name) == 0)
			return 1;
	}
	return 0;
}

/* Views present and unchanged on both sides that must still be dropped
 * and created again: they read a disturbed table, or a view that is
 * dropped or recreated. Marks them in `redo` (per view of `from`), to a
 * fixed point, so a view over a view follows. */
static void views_to_redo(vh_dbuilder *b, const vh_ischema *from, const vh_ischema *to,
			  unsigned char *redo)
{
	int changed = 1;
	size_t i, j;

	while (changed) {
		changed = 0;
		for (i = 0; i < from->nobjs; i++) {
			const vh_iobject *v = &from->objs[i], *t;

			if (v->kind != VH_IOBJ_VIEW || redo[i])
				continue;
			t = vh_ischema_object(to, VH_IOBJ_VIEW, v->name, NULL);
			if (!t || strcmp(t->def, v->def) != 0)
				redo[i] = 2; /* goes or changes anyway */
			else if (v->extra && *v->extra) {
				for (j = 0; j < from->nobjs && !redo[i]; j++) {
					const vh_iobject *w = &from->objs[j];

					if (j != i && w->kind == VH_IOBJ_VIEW && redo[j] &&
					    reads(v, w->name))
						redo[i] = 1;
				}
				if (!redo[i]) {
					const char *p = v->extra + 1;

					while (*p && !redo[i]) {
						size_t n = strcspn(p, ",");
						char *name = strndup(p, n);

						if (name && disturbed(b, name))
							redo[i] = 1;
						free(name);
						p += n + (p[n] == ',');
					}
				}
			}
			changed |= redo[i] != 0;
		}
	}
}

/* See vh_diff_int.h. */
const char vh_diff_label_note[] = "PostgreSQL cannot use a value in the transaction that adds "
				  "it, and this revision does: move this statement into a "
				  "revision of its own that runs outside a transaction.";

/* ADD VALUE cannot be used in the transaction that adds it: say so when
 * another statement of the same revision names the new label. */
static void check_new_labels(vh_dbuilder *b)
{
	size_t i, j;

	for (i = 0; i < b->d->nops; i++) {
		vh_op *op = &b->d->ops[i];
		const char *lit = op->kind == VH_OP_ADD_ENUM_VALUE ? strstr(op->sql, " ADD VALUE ") : NULL;
		char *value;

		if (!lit)
			continue;
		lit += 11;
		value = strndup(lit, strcspn(lit + 1, "'") + 2);
		for (j = 0; value && j < b->d->nops; j++)
			if (j != i && b->d->ops[j].kind != VH_OP_ADD_ENUM_VALUE &&
			    strstr(b->d->ops[j].sql, value)) {
				if (vh_op_add_review(op, vh_diff_label_note) < 0)
					b->oom = 1;
				break;
			}
		free(value);
	}
}

void vh_diff_objects(vh_dbuilder *b, const vh_ischema *from, const vh_ischema *to)
{
	unsigned char *redo = calloc(from->nobjs + 1, 1);
	size_t i = 0, j = 0;

	if (!redo) {
		b->oom = 1;
		return;
	}
	views_to_redo(b, from, to, redo);
	while (!b->oom && (i < from->nobjs || j < to->nobjs)) {
		const vh_iobject *f = i < from->nobjs ? &from->objs[i] : NULL;
		const vh_iobject *t = j < to->nobjs ? &to->objs[j] : NULL;
		int c = !f ? 1 : !t ? -1 : (int)f->kind != (int)t->kind ? (int)f->kind - (int)t->kind
			: strcmp(f->name, t->name) != 0 ? strcmp(f->name, t->name)
			: f->kind == VH_IOBJ_TRIGGER ? strcmp(f->table, t->table) : 0;

		if ((f && vh_diff_acl_kind(f->kind)) || (t && vh_diff_acl_kind(t->kind))) {
			i += f && vh_diff_acl_kind(f->kind); /* vh_diff_acl.c's */
			j += t && vh_diff_acl_kind(t->kind);
		} else if (c < 0) {
			drop_object(b, f, VH_OP_REMOVE_OBJECT, NULL);
			i++;
		} else if (c > 0) {
			create_object(b, t, VH_OP_ADD_OBJECT, NULL);
			j++;
		} else {
			int remade = 0;

			if (strcmp(f->def, t->def) != 0)
				remade = change_object(b, from, to, f, t);
			else if (redo[i] == 1) {
				remade = 1;
				drop_object(b, f, VH_OP_RECREATE_OBJECT,
					    "A table or view it reads changes (a column dropped or "
					    "retyped, or the view recreated): dropped here and "
					    "created again after the change.");
				create_object(b, t, VH_OP_RECREATE_OBJECT, NULL);
			}
			if (!remade && !vh_diff_same(f->comment, t->comment))
				object_comment(b, t, t->comment);
			i++;
			j++;
		}
	}
	free(redo);
	check_new_labels(b);
}
