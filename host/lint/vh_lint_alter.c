/* vh_lint_alter.c - ALTER TABLE, one subcommand at a time: rewrites, scans
 * under ACCESS EXCLUSIVE, constraints validated in place, destructive and
 * backward-incompatible changes. A table created earlier in the plan is
 * empty and nobody uses it yet, so nothing on it is reported. */
#include "vh_lint_int.h"

#include <stdlib.h>
#include <string.h>

#include "vh_error.h"

/* Functions whose result differs per row, so a DEFAULT calling them makes
 * ADD COLUMN rewrite the table (a stable default such as now() is stored
 * once in the catalog since PostgreSQL 11). */
static const char *const volatile_fns[] = {
	"random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4",
	"clock_timestamp", "timeofday", "nextval", "setseed", NULL,
};

/* The lock an ALTER TABLE subcommand takes (PostgreSQL 15's ALTER TABLE
 * page); ACCESS EXCLUSIVE unless listed. */
static const char *cmd_lock(const PgQuery__AlterTableCmd *c)
{
	switch (c->subtype) {
	case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStatistics:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_ClusterOn:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropCluster:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition:
		return "SHARE UPDATE EXCLUSIVE";
	case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrig:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrig:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigAll:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigAll:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigUser:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigUser:
		return "SHARE ROW EXCLUSIVE";
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
		if (c->def && c->def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
		    c->def->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN)
			return "SHARE ROW EXCLUSIVE";
		return "ACCESS EXCLUSIVE";
	default:
		return "ACCESS EXCLUSIVE";
	}
}

/* Looks for a call to a volatile function anywhere in an expression. */
static int find_volatile(const ProtobufCMessage *m, void *user)
{
	const PgQuery__FuncCall *f;
	const char *name;
	size_t i;

	if (m->descriptor != &pg_query__func_call__descriptor)
		return 0;
	f = (const PgQuery__FuncCall *)m;
	name = vh_lint_name_last(f->funcname, f->n_funcname);
	for (i = 0; volatile_fns[i]; i++)
		if (strcmp(name, volatile_fns[i]) == 0) {
			*(const char **)user = volatile_fns[i];
			return 1;
		}
	return 0;
}

/* The column a `col IS NOT NULL` check is about, or NULL. */
static const char *notnull_column(const PgQuery__Constraint *k)
{
	const PgQuery__NullTest *t;
	const PgQuery__ColumnRef *ref;

	if (k->contype != PG_QUERY__CONSTR_TYPE__CONSTR_CHECK || !k->raw_expr ||
	    k->raw_expr->node_case != PG_QUERY__NODE__NODE_NULL_TEST)
		return NULL;
	t = k->raw_expr->null_test;
	if (t->nulltesttype != PG_QUERY__NULL_TEST_TYPE__IS_NOT_NULL || !t->arg ||
	    t->arg->node_case != PG_QUERY__NODE__NODE_COLUMN_REF)
		return NULL;
	ref = t->arg->column_ref;
	return *vh_lint_name_last(ref->fields, ref->n_fields) ? vh_lint_name_last(ref->fields, ref->n_fields)
							      : NULL;
}

static void add_column(vh_lint_scan *s, const PgQuery__RangeVar *rv, const PgQuery__ColumnDef *d)
{
	const char *tname = d->type_name ? vh_lint_name_last(d->type_name->names, d->type_name->n_names) : "";
	const char *vol = NULL;
	int notnull = d->is_not_null, has_default = 0;
	size_t i;

	if (strstr(tname, "serial"))
		vol = "nextval (a serial type)";
	for (i = 0; i < d->n_constraints; i++) {
		const PgQuery__Constraint *k;

		if (d->constraints[i]->node_case != PG_QUERY__NODE__NODE_CONSTRAINT)
			continue;
		k = d->constraints[i]->constraint;
		switch (k->contype) {
		case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL:
			notnull = 1;
			break;
		case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
			has_default = 1;
			if (k->raw_expr)
				vh_lint_walk(&k->raw_expr->base, find_volatile, &vol);
			break;
		case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY:
			vol = "an identity (every row gets a value)";
			break;
		case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED:
			vh_lint_add(s, "stored-generated-column", rv->schemaname, rv->relname,
				    "ACCESS EXCLUSIVE",
				    "ADD COLUMN %s GENERATED ALWAYS AS (...) STORED computes and writes it for "
				    "every row of %s", d->colname, rv->relname);
			break;
		case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
		case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
			vh_lint_add(s, "unique-constraint-build", rv->schemaname, rv->relname,
				    "ACCESS EXCLUSIVE",
				    "ADD COLUMN %s %s builds a unique index on %s under ACCESS EXCLUSIVE",
				    d->colname,
				    k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY ? "PRIMARY KEY" : "UNIQUE",
				    rv->relname);
			break;
		default:
			break;
		}
	}
	if (vol)
		vh_lint_add(s, "volatile-default", rv->schemaname, rv->relname, "ACCESS EXCLUSIVE",
			    "ADD COLUMN %s with a default of %s rewrites every row of %s", d->colname, vol,
			    rv->relname);
	if (notnull && !has_default && !vol)
		vh_lint_add(s, "add-column-required", rv->schemaname, rv->relname, "ACCESS EXCLUSIVE",
			    "ADD COLUMN %s NOT NULL without a DEFAULT: fails with \"contains null values\" "
			    "if %s has rows", d->colname, rv->relname);
}

static void add_constraint(vh_lint_scan *s, const PgQuery__RangeVar *rv, const PgQuery__Constraint *k)
{
	const char *col = notnull_column(k);
	const char *name = *k->conname ? k->conname : "(unnamed)";

	switch (k->contype) {
	case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
	case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
		if (col && !k->skip_validation && vh_lint_names_add(&s->notnull_ok, rv->relname, col) < 0)
			s->failed = 1;
		if (col && k->skip_validation && *k->conname) {
			char *key = NULL;

			if (asprintf(&key, "%s.%s", rv->relname, k->conname) < 0)
				key = NULL;
			if (!key || vh_lint_names_add(&s->notnull_pending, key, col) < 0)
				s->failed = 1;
			free(key);
		}
		if (k->skip_validation)
			break;
		if (k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN)
			vh_lint_add(s, "constraint-not-valid", rv->schemaname, rv->relname,
				    "SHARE ROW EXCLUSIVE",
				    "FOREIGN KEY %s is checked against %s for every row of %s while both "
				    "tables are locked against writes", name, k->pktable ? k->pktable->relname : "?",
				    rv->relname);
		else
			vh_lint_add(s, "constraint-not-valid", rv->schemaname, rv->relname, "ACCESS EXCLUSIVE",
				    "CHECK %s is tested on every row of %s under ACCESS EXCLUSIVE", name,
				    rv->relname);
		break;
	case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
	case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
	case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION:
		if (*k->indexname)
			break; /* USING INDEX: the index is already built */
		vh_lint_add(s, "unique-constraint-build", rv->schemaname, rv->relname, "ACCESS EXCLUSIVE",
			    "ADD CONSTRAINT %s builds its index on %s under ACCESS EXCLUSIVE", name,
			    rv->relname);
		break;
	default:
		break;
	}
}

/* VALIDATE CONSTRAINT of a `col IS NOT NULL` check added NOT VALID earlier
 * in the plan (kept as "table.conname.col"): SET NOT NULL on that column no
 * longer scans. */
static void validated(vh_lint_scan *s, const char *table, const char *conname)
{
	size_t i, lt = strlen(table), lc = strlen(conname);

	for (i = 0; i < s->notnull_pending.n; i++) {
		const char *e = s->notnull_pending.v[i];

		if (strncmp(e, table, lt) == 0 && e[lt] == '.' && strncmp(e + lt + 1, conname, lc) == 0 &&
		    e[lt + 1 + lc] == '.' && vh_lint_names_add(&s->notnull_ok, table, e + lt + lc + 2) < 0)
			s->failed = 1;
	}
}

static void set_not_null(vh_lint_scan *s, const PgQuery__RangeVar *rv, const char *col)
{
	if (vh_lint_names_has(&s->notnull_ok, rv->relname, col))
		return;
	if (s->sizer && vh_lint_sizer_has_notnull_check(s->sizer, rv->schemaname, rv->relname, col))
		return;
	vh_lint_add(s, "set-not-null", rv->schemaname, rv->relname, "ACCESS EXCLUSIVE",
		    "ALTER COLUMN %s SET NOT NULL reads every row of %s under ACCESS EXCLUSIVE (no "
		    "validated CHECK (%s IS NOT NULL) found)", col, rv->relname, col);
}

static void check_cmd(vh_lint_scan *s, const PgQuery__RangeVar *rv, const PgQuery__AlterTableCmd *c)
{
	switch (c->subtype) {
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
		if (c->def && c->def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF)
			add_column(s, rv, c->def->column_def);
		break;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
		if (c->def && c->def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
			add_constraint(s, rv, c->def->constraint);
		break;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
		validated(s, rv->relname, c->name);
		break;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
		set_not_null(s, rv, c->name);
		break;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
		vh_lint_add(s, "column-type-change", rv->schemaname, rv->relname, "ACCESS EXCLUSIVE",
			    "ALTER COLUMN %s TYPE rewrites %s and rebuilds its indexes unless the old "
			    "type converts without a rewrite (varchar widening, varchar to text)",
			    c->name, rv->relname);
		break;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
		vh_lint_add(s, "drop-column", rv->schemaname, rv->relname, "ACCESS EXCLUSIVE",
			    "DROP COLUMN %s.%s destroys its data, and code still selecting it fails",
			    rv->relname, c->name);
		break;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetTableSpace:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetLogged:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetUnLogged:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetAccessMethod:
		vh_lint_add(s, "rewrite-command", rv->schemaname, rv->relname, "ACCESS EXCLUSIVE",
			    "this ALTER TABLE %s rewrites it under ACCESS EXCLUSIVE", rv->relname);
		break;
	default:
		break;
	}
}

/* Lock strength, weakest first, to report the statement's strongest. */
static int lock_rank(const char *lock)
{
	static const char *const order[] = {"SHARE UPDATE EXCLUSIVE", "SHARE ROW EXCLUSIVE",
					    "ACCESS EXCLUSIVE", NULL};
	int i;

	for (i = 0; order[i]; i++)
		if (strcmp(order[i], lock) == 0)
			return i;
	return 0;
}

void vh_lint_check_alter(vh_lint_scan *s, const PgQuery__AlterTableStmt *a)
{
	const char *strongest = NULL;
	size_t i, first;

	if (!a->relation || vh_lint_is_new(s, a->relation->relname))
		return;
	for (i = 0; i < a->n_cmds; i++) {
		const char *lock;

		if (a->cmds[i]->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)
			continue;
		lock = cmd_lock(a->cmds[i]->alter_table_cmd);
		if (!strongest || lock_rank(lock) > lock_rank(strongest))
			strongest = lock;
	}
	if (strongest && lock_rank(strongest) > 0)
		vh_lint_note_lock(s, a->relation->schemaname, a->relation->relname, strongest);
	first = s->rep->n;
	for (i = 0; i < a->n_cmds; i++)
		if (a->cmds[i]->node_case == PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)
			check_cmd(s, a->relation, a->cmds[i]->alter_table_cmd);
	/* The statement takes its strongest subcommand's lock for all of them. */
	for (i = first; strongest && i < s->rep->n; i++)
		if (s->rep->f[i].lock)
			s->rep->f[i].lock = strongest;
}
