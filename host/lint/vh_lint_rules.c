/* vh_lint_rules.c - the rules, and the checks of every statement but ALTER
 * TABLE (vh_lint_alter.c). Each check looks at the parse tree only; the
 * level of a finding on a relation then follows the relation's size
 * (vh_lint_add). The locks named are those PostgreSQL's documentation gives
 * for each command ("Explicit Locking", and each command's page). */
#include "vh_lint_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_error.h"

/* sized: 1 = error on a large relation, note on a small or empty one;
 *        2 = error on any relation holding rows, note on an empty one. */
const vh_lint_rule vh_lint_rules[] = {
	{"index-not-concurrent", VH_LINT_WARNING, 1,
	 "CREATE INDEX without CONCURRENTLY blocks writes to the table (SHARE lock) for the whole build",
	 "use CREATE INDEX CONCURRENTLY in a non-transactional revision (VHOST_NON_TRANSACTIONAL())"},
	{"drop-index-not-concurrent", VH_LINT_WARNING, 1,
	 "DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the table, queued behind every running query",
	 "use DROP INDEX CONCURRENTLY in a non-transactional revision (VHOST_NON_TRANSACTIONAL())"},
	{"concurrently-in-transaction", VH_LINT_ERROR, 0,
	 "a CONCURRENTLY command cannot run inside a transaction block: the revision fails at run time",
	 "declare the revision VHOST_NON_TRANSACTIONAL() and keep the statement alone in it"},
	{"column-type-change", VH_LINT_WARNING, 1,
	 "ALTER COLUMN ... TYPE rewrites the table and its indexes under ACCESS EXCLUSIVE (unless binary-compatible)",
	 "add a column of the new type, backfill it in batches, switch the code over, then drop the old one"},
	{"volatile-default", VH_LINT_WARNING, 1,
	 "ADD COLUMN with a volatile default (or a serial type) rewrites the table under ACCESS EXCLUSIVE",
	 "add the column without a default, SET DEFAULT in the same revision, backfill old rows in batches"},
	{"stored-generated-column", VH_LINT_WARNING, 1,
	 "adding a STORED generated column rewrites the table under ACCESS EXCLUSIVE",
	 "add a plain column kept by a trigger and backfill it in batches, or compute the value in a view"},
	{"set-not-null", VH_LINT_WARNING, 1,
	 "SET NOT NULL scans the whole table under ACCESS EXCLUSIVE unless a validated CHECK (col IS NOT NULL) exists",
	 "add CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in a later revision, then SET NOT NULL"},
	{"add-column-required", VH_LINT_WARNING, 2,
	 "ADD COLUMN ... NOT NULL without a default fails on a table that holds rows",
	 "add the column nullable (or with a constant DEFAULT), backfill, then enforce NOT NULL"},
	{"constraint-not-valid", VH_LINT_WARNING, 1,
	 "adding a FOREIGN KEY or CHECK constraint without NOT VALID scans the table while holding its lock",
	 "add the constraint NOT VALID, then VALIDATE CONSTRAINT in a later revision"},
	{"unique-constraint-build", VH_LINT_WARNING, 1,
	 "ADD PRIMARY KEY / UNIQUE / EXCLUDE builds its index under ACCESS EXCLUSIVE",
	 "CREATE UNIQUE INDEX CONCURRENTLY in a non-transactional revision, then ADD CONSTRAINT ... USING INDEX"},
	{"rewrite-command", VH_LINT_WARNING, 1,
	 "VACUUM FULL, CLUSTER, REINDEX, REFRESH MATERIALIZED VIEW or SET TABLESPACE/LOGGED/ACCESS METHOD lock the relation while rewriting it",
	 "use REINDEX / REFRESH MATERIALIZED VIEW CONCURRENTLY; rewrite tables outside migrations (pg_repack)"},
	{"whole-table-dml", VH_LINT_WARNING, 1,
	 "UPDATE or DELETE without WHERE touches every row inside the revision's transaction, holding row locks to the end",
	 "backfill in batches outside the schema change (a script or several small revisions)"},
	{"drop-table", VH_LINT_ERROR, 2,
	 "DROP TABLE destroys the table's data, and the running application may still use it",
	 "stop using the table in the code first and deploy; drop it in a later revision, with a backup"},
	{"drop-column", VH_LINT_ERROR, 2,
	 "DROP COLUMN destroys the column's data, and the running application may still select it",
	 "stop reading and writing the column in the code first and deploy; drop it in a later revision"},
	{"drop-schema", VH_LINT_ERROR, 0,
	 "DROP SCHEMA destroys everything in the schema",
	 "drop the schema's objects one by one in revisions that say so, or keep the schema"},
	{"truncate", VH_LINT_ERROR, 2,
	 "TRUNCATE destroys every row (and takes ACCESS EXCLUSIVE)",
	 "delete the rows that must go in batches, or make sure the data is disposable and silence the rule"},
	{"rename-table", VH_LINT_WARNING, 0,
	 "renaming a table breaks the running application that still uses the old name",
	 "expand and contract: create the new name (or an updatable view under the old one), move the code, then drop the old"},
	{"rename-column", VH_LINT_WARNING, 0,
	 "renaming a column breaks the running application that still uses the old name",
	 "add the new column, write both, backfill, move the reads, then drop the old column in a later revision"},
	{"enum-add-value-in-transaction", VH_LINT_WARNING, 0,
	 "ALTER TYPE ... ADD VALUE in a transaction: the new value cannot be used until the transaction commits",
	 "put ALTER TYPE ... ADD VALUE alone in a VHOST_NON_TRANSACTIONAL() revision"},
	{"missing-lock-timeout", VH_LINT_WARNING, 0,
	 "a strong lock is taken with lock_timeout off: waiting for it blocks every query queued behind",
	 "set lock_timeout in the settings (vhost's default is 5s) or SET LOCAL lock_timeout first"},
	{"transaction-control", VH_LINT_ERROR, 0,
	 "BEGIN, COMMIT, ROLLBACK or SAVEPOINT inside a revision breaks the transaction vhost runs it in",
	 "let vhost manage the transaction; declare VHOST_NON_TRANSACTIONAL() for statements that cannot run in one"},
	{"downgrade-incomplete", VH_LINT_WARNING, 0,
	 "the downgrade does not drop something the upgrade creates, so downgrade then upgrade fails",
	 "drop in downgrade() what upgrade() creates, in reverse order"},
	{"syntax-error", VH_LINT_ERROR, 0,
	 "PostgreSQL's grammar refuses the statement: the revision fails at run time",
	 "fix the statement (vhost upgrade --sql shows the script as the server would get it)"},
	{"render-failed", VH_LINT_WARNING, 0,
	 "upgrade() or downgrade() failed, crashed or exited when rendered offline, so it was not (fully) linted",
	 "make the revision render offline (vhost upgrade --sql shows why), or check it with lint --trace"},
	{"needs-server", VH_LINT_NOTE, 0,
	 "the revision asks the server (query helpers, vh_conn) so only what it ran before that was linted",
	 "keep DDL in vh_exec/vh_execf; lint --trace runs it for real in a scratch database"},
};
const size_t vh_lint_nrules = sizeof(vh_lint_rules) / sizeof(vh_lint_rules[0]);

const vh_lint_rule *vh_lint_rule_find(const char *id)
{
	size_t i;

	for (i = 0; id && i < vh_lint_nrules; i++)
		if (strcmp(vh_lint_rules[i].id, id) == 0)
			return &vh_lint_rules[i];
	return NULL;
}

int vh_lint_is_new(const vh_lint_scan *s, const char *rel)
{
	return rel && vh_lint_names_has(&s->created, rel, NULL);
}

/* The level of a finding of `rule` on `rel`, and the size text behind it
 * (malloc'd into *size, NULL when the size played no part). */
static vh_lint_level weigh(vh_lint_scan *s, const vh_lint_rule *rule, const char *schema,
			   const char *rel, char **size, char **qualified)
{
	const vh_lint_size *z = NULL;
	long long big = (long long)s->cfg->lint_large_mb * 1024 * 1024;
	int large, rows;

	*size = NULL;
	if (!rule->sized || !rel)
		return rule->level;
	if (vh_lint_is_new(s, rel)) {
		*size = strdup("created in this plan, empty");
		return VH_LINT_NOTE;
	}
	if (!s->sizer || vh_lint_sizer_get(s->sizer, schema, rel, &z) < 0 || !z->found)
		return rule->level;
	free(*qualified);
	*qualified = strdup(z->qualified);
	rows = z->rows > 0 || (z->rows < 0 && z->heap > 0);
	large = z->rows >= (double)s->cfg->lint_large_rows || z->total >= big;
	if (z->rows >= 0) {
		if (asprintf(size, "%.0f rows, %lld kB", z->rows, z->total / 1024) < 0)
			*size = NULL;
	} else if (asprintf(size, "never analyzed, %lld kB", z->total / 1024) < 0) {
		*size = NULL;
	}
	if (rule->sized == 2)
		return rows || large ? VH_LINT_ERROR : VH_LINT_NOTE;
	return large ? VH_LINT_ERROR : VH_LINT_NOTE;
}

void vh_lint_add(vh_lint_scan *s, const char *id, const char *schema, const char *rel,
		 const char *lock, const char *fmt, ...)
{
	const vh_lint_rule *rule = vh_lint_rule_find(id);
	vh_lint_finding *f;
	va_list ap;
	char *msg = NULL, *qualified = NULL;

	if (!rule || s->failed)
		return;
	if (rel && *rel) {
		if (schema && *schema && asprintf(&qualified, "%s.%s", schema, rel) < 0)
			qualified = NULL;
		else if (!(schema && *schema))
			qualified = strdup(rel);
	} else {
		rel = NULL;
	}
	if (!(f = vh_lint_report_push(s->rep))) {
		free(qualified);
		s->failed = 1;
		return;
	}
	f->rule = rule;
	f->level = weigh(s, rule, schema, rel, &f->size, &qualified);
	f->relation = qualified;
	f->lock = lock;
	f->stmt = s->stmt_no;
	f->statement = s->stmt_no && s->stmt_text ? strdup(s->stmt_text) : NULL;
	f->revision = strdup(s->rev->id);
	f->path = strdup(s->rev->path);
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	f->message = msg;
	if (!f->revision || !f->path || !msg)
		s->failed = 1;
}

void vh_lint_note_lock(vh_lint_scan *s, const char *schema, const char *rel, const char *lock)
{
	if (s->timeout_set || s->timeout_reported || vh_lint_is_new(s, rel))
		return;
	s->timeout_reported = 1;
	vh_lint_add(s, "missing-lock-timeout", NULL, NULL, lock,
		    "takes %s on %s%s%s with lock_timeout off: if a long query holds the table, this "
		    "waits and every query on it queues behind",
		    lock, schema && *schema ? schema : "", schema && *schema ? "." : "", rel);
}

/* ---------------------------------------------------------------------
 * Statements other than ALTER TABLE
 * --------------------------------------------------------------------- */

static void check_index(vh_lint_scan *s, const PgQuery__IndexStmt *x)
{
	const char *schema = x->relation->schemaname, *rel = x->relation->relname;
	const char *lock = x->concurrent ? "SHARE UPDATE EXCLUSIVE" : "SHARE";

	if (x->concurrent && !s->nontx)
		vh_lint_add(s, "concurrently-in-transaction", schema, rel, lock,
			    "CREATE INDEX CONCURRENTLY %s in a transactional revision fails with "
			    "\"cannot run inside a transaction block\"", x->idxname);
	/* Later statements on this index find it new too (DROP INDEX). */
	if (*x->idxname && vh_lint_is_new(s, rel) &&
	    vh_lint_names_add(&s->created, x->idxname, NULL) < 0)
		s->failed = 1;
	if (x->concurrent || vh_lint_is_new(s, rel))
		return;
	vh_lint_note_lock(s, schema, rel, lock);
	vh_lint_add(s, "index-not-concurrent", schema, rel, lock,
		    "CREATE %sINDEX %s blocks INSERT, UPDATE and DELETE on %s until the build ends",
		    x->unique ? "UNIQUE " : "", *x->idxname ? x->idxname : "(unnamed)", rel);
}

/* The relation name of a DROP object: a List of String nodes. */
static void drop_name(const PgQuery__Node *o, const char **schema, const char **name)
{
	*schema = "";
	*name = "";
	if (o->node_case == PG_QUERY__NODE__NODE_LIST) {
		size_t n = o->list->n_items;

		*name = vh_lint_name_last(o->list->items, n);
		if (n >= 2 && o->list->items[n - 2]->node_case == PG_QUERY__NODE__NODE_STRING)
			*schema = o->list->items[n - 2]->string->sval;
	} else if (o->node_case == PG_QUERY__NODE__NODE_STRING) {
		*name = o->string->sval;
	}
}

static void check_drop(vh_lint_scan *s, const PgQuery__DropStmt *d)
{
	size_t i;

	for (i = 0; i < d->n_objects; i++) {
		const char *schema, *name;

		drop_name(d->objects[i], &schema, &name);
		switch (d->remove_type) {
		case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
			if (d->concurrent && !s->nontx)
				vh_lint_add(s, "concurrently-in-transaction", schema, name,
					    "SHARE UPDATE EXCLUSIVE",
					    "DROP INDEX CONCURRENTLY %s in a transactional revision fails with "
					    "\"cannot run inside a transaction block\"", name);
			if (d->concurrent || vh_lint_is_new(s, name))
				break;
			vh_lint_note_lock(s, schema, name, "ACCESS EXCLUSIVE");
			vh_lint_add(s, "drop-index-not-concurrent", schema, name, "ACCESS EXCLUSIVE",
				    "DROP INDEX %s locks its table against reads and writes, and waits "
				    "for every running query on it", name);
			break;
		case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
			if (vh_lint_is_new(s, name))
				break;
			vh_lint_add(s, "drop-table", schema, name, "ACCESS EXCLUSIVE",
				    "DROP TABLE %s%s destroys its rows", name,
				    d->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE
					    ? " CASCADE (and whatever depends on it)" : "");
			break;
		case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
			vh_lint_add(s, "drop-schema", NULL, NULL, "ACCESS EXCLUSIVE",
				    "DROP SCHEMA %s%s destroys what it holds", name,
				    d->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE ? " CASCADE" : "");
			break;
		default:
			break;
		}
	}
}

static void check_rename(vh_lint_scan *s, const PgQuery__RenameStmt *r)
{
	const char *schema = r->relation ? r->relation->schemaname : "";
	const char *rel = r->relation ? r->relation->relname : "";

	if (vh_lint_is_new(s, rel))
		return;
	if (r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE ||
	    r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW) {
		vh_lint_add(s, "rename-table", schema, rel, "ACCESS EXCLUSIVE",
			    "renaming %s to %s breaks queries of the running code that name %s", rel,
			    r->newname, rel);
		if (vh_lint_names_add(&s->created, r->newname, NULL) < 0)
			s->failed = 1;
	} else if (r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN) {
		vh_lint_add(s, "rename-column", schema, rel, "ACCESS EXCLUSIVE",
			    "renaming %s.%s to %s breaks queries of the running code that name %s", rel,
			    r->subname, r->newname, r->subname);
	}
}

/* REINDEX, CLUSTER, VACUUM FULL and REFRESH MATERIALIZED VIEW. */
static void check_rewrite(vh_lint_scan *s, const char *what, const PgQuery__RangeVar *rv,
			  const char *lock, int concurrent)
{
	const char *schema = rv ? rv->schemaname : "", *rel = rv ? rv->relname : "";

	if (concurrent) {
		if (!s->nontx)
			vh_lint_add(s, "concurrently-in-transaction", schema, rel, lock,
				    "%s CONCURRENTLY in a transactional revision fails with \"cannot run "
				    "inside a transaction block\"", what);
		return;
	}
	if (vh_lint_is_new(s, rel))
		return;
	vh_lint_note_lock(s, schema, rel, lock);
	vh_lint_add(s, "rewrite-command", schema, rel, lock, "%s %s holds %s for the whole rewrite",
		    what, *rel ? rel : "(every relation)", lock);
}

/* 1 when a list of DefElem options holds `name` (VACUUM (FULL), REINDEX
 * (CONCURRENTLY)). */
static int has_option(PgQuery__Node **opts, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (opts[i]->node_case == PG_QUERY__NODE__NODE_DEF_ELEM &&
		    strcmp(opts[i]->def_elem->defname, name) == 0)
			return 1;
	return 0;
}

static void check_vacuum(vh_lint_scan *s, const PgQuery__VacuumStmt *v)
{
	size_t i;

	if (!v->is_vacuumcmd || !has_option(v->options, v->n_options, "full"))
		return;
	if (v->n_rels == 0)
		check_rewrite(s, "VACUUM FULL", NULL, "ACCESS EXCLUSIVE", 0);
	for (i = 0; i < v->n_rels; i++)
		if (v->rels[i]->node_case == PG_QUERY__NODE__NODE_VACUUM_RELATION)
			check_rewrite(s, "VACUUM FULL", v->rels[i]->vacuum_relation->relation,
				      "ACCESS EXCLUSIVE", 0);
}

static void check_dml(vh_lint_scan *s, const char *what, const PgQuery__RangeVar *rv,
		      const PgQuery__Node *where)
{
	if (where || !rv || vh_lint_is_new(s, rv->relname))
		return;
	vh_lint_add(s, "whole-table-dml", rv->schemaname, rv->relname, "ROW EXCLUSIVE",
		    "%s of every row of %s in one transaction", what, rv->relname);
}

static void check_set(vh_lint_scan *s, const PgQuery__VariableSetStmt *v)
{
	if (strcmp(v->name, "lock_timeout") != 0)
		return;
	/* SET lock_timeout = 0 (or RESET, with the default off) turns it off. */
	if (v->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE && v->n_args == 1 &&
	    v->args[0]->node_case == PG_QUERY__NODE__NODE_A_CONST) {
		const PgQuery__AConst *c = v->args[0]->a_const;

		s->timeout_set = !(c->val_case == PG_QUERY__A__CONST__VAL_IVAL && c->ival->ival == 0) &&
				 !(c->val_case == PG_QUERY__A__CONST__VAL_SVAL &&
				   strcmp(c->sval->sval, "0") == 0);
	} else {
		s->timeout_set = s->cfg->lock_timeout > 0;
	}
}

static void check_create(vh_lint_scan *s, const PgQuery__RangeVar *rv)
{
	if (rv && vh_lint_names_add(&s->created, rv->relname, NULL) < 0)
		s->failed = 1;
}

void vh_lint_check_stmt(vh_lint_scan *s, const PgQuery__Node *n)
{
	switch (n->node_case) {
	case PG_QUERY__NODE__NODE_INDEX_STMT:
		check_index(s, n->index_stmt);
		break;
	case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
		vh_lint_check_alter(s, n->alter_table_stmt);
		break;
	case PG_QUERY__NODE__NODE_DROP_STMT:
		check_drop(s, n->drop_stmt);
		break;
	case PG_QUERY__NODE__NODE_TRUNCATE_STMT: {
		size_t i;

		for (i = 0; i < n->truncate_stmt->n_relations; i++) {
			const PgQuery__Node *r = n->truncate_stmt->relations[i];

			if (r->node_case == PG_QUERY__NODE__NODE_RANGE_VAR &&
			    !vh_lint_is_new(s, r->range_var->relname))
				vh_lint_add(s, "truncate", r->range_var->schemaname, r->range_var->relname,
					    "ACCESS EXCLUSIVE", "TRUNCATE %s destroys every row%s",
					    r->range_var->relname,
					    n->truncate_stmt->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE
						    ? ", and CASCADE empties the tables referencing it" : "");
		}
		break;
	}
	case PG_QUERY__NODE__NODE_RENAME_STMT:
		check_rename(s, n->rename_stmt);
		break;
	case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT:
		if (!s->nontx && *n->alter_enum_stmt->new_val && !*n->alter_enum_stmt->old_val)
			vh_lint_add(s, "enum-add-value-in-transaction", NULL, NULL, NULL,
				    "ALTER TYPE %s ADD VALUE '%s' in a transactional revision: the value "
				    "cannot be used before the revision commits",
				    vh_lint_name_last(n->alter_enum_stmt->type_name,
						      n->alter_enum_stmt->n_type_name),
				    n->alter_enum_stmt->new_val);
		break;
	case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
		vh_lint_add(s, "transaction-control", NULL, NULL, NULL,
			    "transaction control inside a revision: vhost runs each revision in its own "
			    "transaction and records it in the version table in that transaction");
		break;
	case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
		check_set(s, n->variable_set_stmt);
		break;
	case PG_QUERY__NODE__NODE_REINDEX_STMT:
		check_rewrite(s, "REINDEX", n->reindex_stmt->relation, "ACCESS EXCLUSIVE",
			      has_option(n->reindex_stmt->params, n->reindex_stmt->n_params,
					 "concurrently"));
		break;
	case PG_QUERY__NODE__NODE_CLUSTER_STMT:
		check_rewrite(s, "CLUSTER", n->cluster_stmt->relation, "ACCESS EXCLUSIVE", 0);
		break;
	case PG_QUERY__NODE__NODE_VACUUM_STMT:
		check_vacuum(s, n->vacuum_stmt);
		break;
	case PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT:
		check_rewrite(s, "REFRESH MATERIALIZED VIEW", n->refresh_mat_view_stmt->relation,
			      n->refresh_mat_view_stmt->concurrent ? "EXCLUSIVE" : "ACCESS EXCLUSIVE",
			      n->refresh_mat_view_stmt->concurrent);
		break;
	case PG_QUERY__NODE__NODE_UPDATE_STMT:
		check_dml(s, "UPDATE", n->update_stmt->relation, n->update_stmt->where_clause);
		break;
	case PG_QUERY__NODE__NODE_DELETE_STMT:
		check_dml(s, "DELETE", n->delete_stmt->relation, n->delete_stmt->where_clause);
		break;
	case PG_QUERY__NODE__NODE_CREATE_STMT:
		check_create(s, n->create_stmt->relation);
		break;
	case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
		if (n->create_table_as_stmt->into)
			check_create(s, n->create_table_as_stmt->into->rel);
		break;
	default:
		break;
	}
}
