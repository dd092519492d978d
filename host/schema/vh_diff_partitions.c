/* vh_diff_partitions.c - partitioned tables and their partitions: a
 * partitioned table is created with its PARTITION BY clause and otherwise
 * diffs as a table (columns, keys, indexes on the parent; its partitions'
 * copies of them are left out when read, vh_introspect_tables.c); a
 * partition is created as CREATE TABLE ... PARTITION OF ... FOR VALUES,
 * after its parent (by depth), and dropped before it. A table that both
 * sides hold but whose parent or bound differs is detached from the old
 * parent first and attached to the new one after its columns and keys are
 * in place. A change of the partition key itself is not generated (the
 * inventory names it). */
#include <stdlib.h>
#include <string.h>

#include "vh_diff_int.h"

/* See vh_diff_int.h. The partition's own constraints come as operations of
 * their own: CREATE TABLE ... PARTITION OF takes its columns from the
 * parent. */
char *vh_diff_partition_create(const vh_itable *t)
{
	return vh_diff_partition_by(vh_diff_fmt("CREATE TABLE %s PARTITION OF %s %s", t->name,
						t->parent, t->bound),
				    t);
}

/* See vh_diff_int.h: `sql` (taken over) with " PARTITION BY key" when `t`
 * is partitioned. */
char *vh_diff_partition_by(char *sql, const vh_itable *t)
{
	char *out;

	if (!sql || !t->partkey)
		return sql;
	out = vh_diff_fmt("%s PARTITION BY %s", sql, t->partkey);
	free(sql);
	return out;
}

/* Detached, a partition keeps its copies of the parent's keys and indexes
 * as its own, which the other side does not list (it has what it declares,
 * or as another partition what its new parent gives it): they are dropped
 * right after the detach, and what the table declares is added as for any
 * table. So the change converges in one revision; the indexes are built
 * again (REVIEW). */
static void detached_keys(vh_dbuilder *b, const vh_itable *f, const vh_itable *t)
{
	const char *p = f->inherited;
	int i = 0;

	while (p && *p) {
		size_t n = strcspn(p, "\x1e"), k = strcspn(p, "\x1f");
		char *name = k < n ? strndup(p, k) : NULL;
		const char *sql = k < n ? p + k + 1 : p;
		vh_op *op = vh_diff_add(b, strncmp(sql, "DROP INDEX ", 11) == 0 ? VH_OP_REMOVE_INDEX
									       : VH_OP_REMOVE_CONSTRAINT,
					PH_DROP_TABLE, 0, t->name, name,
					strdup("the parent's copy, kept when detached"),
					strndup(sql, (size_t)(p + n - sql)),
					i++ ? NULL
					    : "What the detached table declares is added again after "
					      "this: its indexes are built anew.");

		if (op)
			op->order = -1000 - f->depth + 1;
		free(name);
		p += n + (p[n] != '\0');
	}
}

/* See vh_diff_int.h. Detaching goes before columns are dropped (the
 * table's own from then on), attaching after the keys are added, so the
 * table matches its new parent by then. */
void vh_diff_partition(vh_dbuilder *b, const vh_itable *f, const vh_itable *t)
{
	vh_op *op;

	if (vh_diff_same(f->parent, t->parent) && vh_diff_same(f->bound, t->bound))
		return;
	if (f->parent) {
		op = vh_diff_add(b, VH_OP_DETACH_PARTITION, PH_DROP_TABLE, 0, t->name, NULL,
				 vh_diff_fmt("%s from %s", f->name, f->parent),
				 vh_diff_fmt("ALTER TABLE %s DETACH PARTITION %s", f->parent, f->name),
				 NULL);
		if (op)
			op->order = -1000 - f->depth;
		detached_keys(b, f, t);
	}
	if (t->parent) {
		op = vh_diff_add(b, VH_OP_ATTACH_PARTITION, PH_ADD_CONS, 0, t->name, NULL,
				 vh_diff_fmt("%s to %s %s", t->name, t->parent, t->bound),
				 vh_diff_fmt("ALTER TABLE %s ATTACH PARTITION %s %s", t->parent, t->name,
					     t->bound),
				 "Attaching scans the table to check its rows fit the bound (add a "
				 "matching CHECK constraint first to skip the scan on a big table).");
		if (op)
			op->order = 1 + t->depth;
	}
}

/* See vh_diff_int.h. PARTITION OF copies the parent's defaults and NOT
 * NULL, and ALTER COLUMN on the parent reaches every partition: after the
 * parent's operations a partition holds what its parent's column has in
 * `to`, or, where that column does not change, what the partition held.
 * What still differs from `t` is altered on the partition itself, after
 * its parent (order). */
void vh_diff_partition_columns(vh_dbuilder *b, const vh_itable *f, const vh_itable *t)
{
	const vh_itable *tp = vh_ischema_table(b->to, t->parent);
	const vh_itable *fp = f ? vh_ischema_table(b->from, f->parent) : NULL;
	size_t i, k, n0;

	for (i = 0; tp && i < t->ncols; i++) {
		const vh_icolumn *c = &t->cols[i], *pc = vh_diff_find_column(tp, c->name);
		const vh_icolumn *o = f ? vh_diff_find_column(f, c->name) : NULL;
		const vh_icolumn *fpc = fp ? vh_diff_find_column(fp, c->name) : NULL;
		vh_icolumn now;

		if (!pc)
			continue;
		now = *c;
		now.def = o && fpc && vh_diff_same(fpc->def, pc->def) ? o->def : pc->def;
		now.notnull = o && fpc && fpc->notnull == pc->notnull ? o->notnull : pc->notnull;
		if (vh_diff_same(now.def, c->def) && now.notnull == c->notnull)
			continue;
		n0 = b->d->nops;
		vh_diff_alter_column(b, t, &now, c);
		for (k = n0; k < b->d->nops; k++)
			b->d->ops[k].order = t->depth;
	}
}
