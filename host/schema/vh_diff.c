/* vh_diff.c - the diff's frame: from two introspected schemas to the
 * ordered list of operations (see vh_diff.h for the order and why), the
 * list's memory, and how an operation reads. What each kind of object
 * contributes is in vh_diff_tables.c, vh_diff_columns.c and vh_diff_keys.c. */
#include "vh_diff.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_diff_int.h"
#include "vh_error.h"

static const char *const op_names[] = {
	"add_table",    "remove_table",      "add_column",      "remove_column",
	"modify_type",  "modify_nullable",   "modify_default",  "modify_identity",
	"add_constraint", "remove_constraint", "add_fk",        "remove_fk",
	"add_index",    "remove_index",      "modify_comment",
	"add",          "remove",            "replace",         "recreate",
	"add_enum_value", "rename_enum_value",
	"attach_partition", "detach_partition", "validate_constraint",
};

/* See vh_diff.h. */
const char *vh_op_name(vh_op_kind kind)
{
	return (size_t)kind < sizeof(op_names) / sizeof(*op_names) ? op_names[kind] : "?";
}

/* printf into a new string; NULL when out of memory. */
char *vh_diff_fmt(const char *f, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, f);
	n = vasprintf(&s, f, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

/* 1 when both are NULL or both equal strings. */
int vh_diff_same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}
/* ---------------------------------------------------------------------
 * Building the list
 * --------------------------------------------------------------------- */

/* Adds an operation. `sql`, `detail` and `review` are taken over (freed on
 * failure); a NULL `sql` means an allocation failed. Failures only set
 * b->oom, so callers chain additions and check once. */
vh_op *vh_diff_add(vh_dbuilder *b, vh_op_kind kind, int phase, int step, const char *table,
		  const char *object, char *detail, char *sql, const char *review)
{
	vh_diff *d = b->d;
	vh_op *op;

	if (!sql || b->oom)
		goto fail;
	if (d->nops == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 32;
		vh_op *ops = realloc(d->ops, cap * sizeof(*ops));

		if (!ops)
			goto fail;
		d->ops = ops;
		d->cap = cap;
	}
	op = &d->ops[d->nops];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->phase = phase;
	op->step = step;
	op->seq = d->nops;
	op->sql = sql;
	op->detail = detail;
	if (!(op->table = strdup(table)) || (object && !(op->object = strdup(object))) ||
	    (review && !(op->review = strdup(review)))) {
		free(op->table);
		free(op->object);
		goto fail;
	}
	d->nops++;
	return op;
fail:
	b->oom = 1;
	free(sql);
	free(detail);
	return NULL;
}

/* See vh_diff.h. */
int vh_op_add_review(vh_op *op, const char *text)
{
	char *r = op->review ? vh_diff_fmt("%s %s", op->review, text) : strdup(text);

	if (!r)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	free(op->review);
	op->review = r;
	return 0;
}

/* COMMENT ON <kind> ... IS `text` (a quoted literal, NULL to remove).
 * The column, constraint and index forms name the table as SQL needs. */
void vh_diff_comment(vh_dbuilder *b, const char *kind, const char *table, const char *object,
		    const char *text)
{
	const char *t = text ? text : "NULL";
	char *sql;

	if (strcmp(kind, "table") == 0)
		sql = vh_diff_fmt("COMMENT ON TABLE %s IS %s", table, t);
	else if (strcmp(kind, "column") == 0)
		sql = vh_diff_fmt("COMMENT ON COLUMN %s.%s IS %s", table, object, t);
	else if (strcmp(kind, "constraint") == 0)
		sql = vh_diff_fmt("COMMENT ON CONSTRAINT %s ON %s IS %s", object, table, t);
	else
		sql = vh_diff_fmt("COMMENT ON INDEX %s IS %s", object, t);
	vh_diff_add(b, VH_OP_MODIFY_COMMENT, PH_COMMENT, 0, table, object, strdup(kind), sql, NULL);
}
/* ---------------------------------------------------------------------
 * The diff
 * --------------------------------------------------------------------- */

static int cmp_op(const void *pa, const void *pb)
{
	const vh_op *a = pa, *b = pb;
	int c;

	if (a->phase != b->phase)
		return a->phase - b->phase;
	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	if ((c = strcmp(a->table, b->table)) != 0)
		return c;
	if ((c = strcmp(a->object ? a->object : "", b->object ? b->object : "")) != 0)
		return c;
	if (a->step != b->step)
		return a->step - b->step;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* See vh_diff.h. */
int vh_diff_compute(vh_diff **out, const vh_ischema *from, const vh_ischema *to)
{
	vh_dbuilder b = {0};
	size_t i = 0, j = 0;

	*out = NULL;
	b.from = from;
	b.to = to;
	if (!(b.d = calloc(1, sizeof(*b.d))) || !(b.rekey = calloc(from->ntables + 1, 1))) {
		free(b.d);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < from->ntables; i++) {
		const vh_itable *t = vh_ischema_table(to, from->tables[i].name);

		b.rekey[i] = t && vh_diff_keys_change(&from->tables[i], t);
	}
	i = 0;
	/* Both sides are sorted by name: a merge join. */
	while (!b.oom && (i < from->ntables || j < to->ntables)) {
		int c = i == from->ntables ? 1
			: j == to->ntables ? -1
					   : strcmp(from->tables[i].name, to->tables[j].name);

		if (c < 0)
			vh_diff_drop_table(&b, &from->tables[i++]);
		else if (c > 0)
			vh_diff_create_table(&b, &to->tables[j++]);
		else
			vh_diff_table(&b, &from->tables[i++], &to->tables[j++]);
	}
	if (!b.oom)
		vh_diff_objects(&b, from, to);
	if (!b.oom)
		vh_diff_acl(&b, from, to);
	free(b.rekey);
	if (b.oom) {
		vh_diff_free(b.d);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	if (b.d->nops)
		qsort(b.d->ops, b.d->nops, sizeof(vh_op), cmp_op);
	*out = b.d;
	return 0;
}

/* See vh_diff.h. */
void vh_diff_free(vh_diff *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->nops; i++) {
		free(d->ops[i].table);
		free(d->ops[i].object);
		free(d->ops[i].detail);
		free(d->ops[i].sql);
		free(d->ops[i].review);
	}
	for (i = 0; i < d->nunmodelled; i++)
		free(d->unmodelled[i]);
	free(d->unmodelled);
	free(d->ops);
	free(d);
}

/* See vh_diff.h. A comment names its object's kind ("modify_comment
 * column users.email"); the rest read "kind table.object: detail". */
char *vh_op_describe(const vh_op *op)
{
	if (op->kind >= VH_OP_ADD_OBJECT && op->kind != VH_OP_VALIDATE_CONSTRAINT)
		return vh_diff_fmt("%s %s", vh_op_name(op->kind), op->detail ? op->detail : op->table);
	if (op->kind == VH_OP_MODIFY_COMMENT)
		return vh_diff_fmt("%s %s %s%s%s", vh_op_name(op->kind), op->detail ? op->detail : "",
			   op->table, op->object ? "." : "", op->object ? op->object : "");
	return vh_diff_fmt("%s %s%s%s%s%s", vh_op_name(op->kind), op->table, op->object ? "." : "",
		   op->object ? op->object : "", op->detail ? ": " : "",
		   op->detail ? op->detail : "");
}
