/* vh_lint_revert.c - does downgrade() undo what upgrade() creates? Both are
 * rendered offline; every table, index, view, sequence, type, schema,
 * function, trigger, column and named constraint the upgrade creates must be
 * dropped by the downgrade (directly, with its table, or by a schema dropped
 * CASCADE), or `vhost downgrade` leaves it behind and the next upgrade fails
 * on "already exists". Names compare without their schema. */
#include "vh_lint_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What one statement creates (up) or drops (down), as "kind:name" entries;
 * a column or constraint is "column:table.col" with its table in `parent`. */
typedef struct obj {
	char kind[16];
	const char *name;
	const char *parent; /* the table of an index, column, constraint, trigger */
} obj;

typedef struct objs {
	obj v[64];
	size_t n;
} objs;

static void put(objs *o, const char *kind, const char *name, const char *parent)
{
	if (o->n >= sizeof(o->v) / sizeof(o->v[0]) || !name || !*name)
		return;
	snprintf(o->v[o->n].kind, sizeof(o->v[o->n].kind), "%s", kind);
	o->v[o->n].name = name;
	o->v[o->n].parent = parent;
	o->n++;
}

static const char *type_kind(PgQuery__ObjectType t)
{
	switch (t) {
	case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE: return "table";
	case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: return "index";
	case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW: return "view";
	case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW: return "view";
	case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE: return "sequence";
	case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE: return "type";
	case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN: return "type";
	case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA: return "schema";
	case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION: return "function";
	case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE: return "function";
	case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER: return "trigger";
	default: return NULL;
	}
}

/* The name of one DROP object: a name list, a function signature or a
 * type name. A trigger's list is (table, trigger). */
static const char *drop_object_name(const PgQuery__Node *o)
{
	switch (o->node_case) {
	case PG_QUERY__NODE__NODE_LIST:
		return vh_lint_name_last(o->list->items, o->list->n_items);
	case PG_QUERY__NODE__NODE_STRING:
		return o->string->sval;
	case PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS:
		return vh_lint_name_last(o->object_with_args->objname, o->object_with_args->n_objname);
	case PG_QUERY__NODE__NODE_TYPE_NAME:
		return vh_lint_name_last(o->type_name->names, o->type_name->n_names);
	default:
		return NULL;
	}
}

static void alter_objs(const PgQuery__AlterTableStmt *a, int up, objs *o)
{
	size_t i;

	for (i = 0; a->relation && i < a->n_cmds; i++) {
		const PgQuery__AlterTableCmd *c;

		if (a->cmds[i]->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)
			continue;
		c = a->cmds[i]->alter_table_cmd;
		if (up && c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn && c->def &&
		    c->def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF)
			put(o, "column", c->def->column_def->colname, a->relation->relname);
		else if (up && c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint && c->def &&
			 c->def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
			put(o, "constraint", c->def->constraint->conname, a->relation->relname);
		else if (!up && c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn)
			put(o, "column", c->name, a->relation->relname);
		else if (!up && c->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint)
			put(o, "constraint", c->name, a->relation->relname);
	}
}

/* What statement `n` creates (up) or drops (down). CREATE OR REPLACE of a
 * view or function in the downgrade counts as undoing it (it restores the
 * previous definition); so does renaming a relation back. */
static void stmt_objs(const PgQuery__Node *n, int up, objs *o)
{
	size_t i;

	switch (n->node_case) {
	case PG_QUERY__NODE__NODE_CREATE_STMT:
		if (up && !n->create_stmt->if_not_exists)
			put(o, "table", n->create_stmt->relation->relname, NULL);
		break;
	case PG_QUERY__NODE__NODE_INDEX_STMT:
		if (up && !n->index_stmt->if_not_exists)
			put(o, "index", n->index_stmt->idxname, n->index_stmt->relation->relname);
		break;
	case PG_QUERY__NODE__NODE_VIEW_STMT:
		if (up || n->view_stmt->replace)
			put(o, "view", n->view_stmt->view->relname, NULL);
		break;
	case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
		if (up && n->create_table_as_stmt->into)
			put(o, n->create_table_as_stmt->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW
				       ? "view" : "table",
			    n->create_table_as_stmt->into->rel->relname, NULL);
		break;
	case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
		if (up && !n->create_seq_stmt->if_not_exists)
			put(o, "sequence", n->create_seq_stmt->sequence->relname, NULL);
		break;
	case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
		if (up)
			put(o, "type", vh_lint_name_last(n->create_enum_stmt->type_name,
							 n->create_enum_stmt->n_type_name), NULL);
		break;
	case PG_QUERY__NODE__NODE_COMPOSITE_TYPE_STMT:
		if (up)
			put(o, "type", n->composite_type_stmt->typevar->relname, NULL);
		break;
	case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT:
		if (up)
			put(o, "type", vh_lint_name_last(n->create_domain_stmt->domainname,
							 n->create_domain_stmt->n_domainname), NULL);
		break;
	case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT:
		if (up && !n->create_schema_stmt->if_not_exists)
			put(o, "schema", n->create_schema_stmt->schemaname, NULL);
		break;
	case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
		if (up || n->create_function_stmt->replace)
			put(o, "function", vh_lint_name_last(n->create_function_stmt->funcname,
							     n->create_function_stmt->n_funcname), NULL);
		break;
	case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT:
		if (up)
			put(o, "trigger", n->create_trig_stmt->trigname,
			    n->create_trig_stmt->relation->relname);
		break;
	case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
		alter_objs(n->alter_table_stmt, up, o);
		break;
	case PG_QUERY__NODE__NODE_RENAME_STMT: {
		const PgQuery__RenameStmt *r = n->rename_stmt;

		if (r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE && r->relation)
			put(o, "table", up ? r->newname : r->relation->relname, NULL);
		break;
	}
	case PG_QUERY__NODE__NODE_DROP_STMT:
		for (i = 0; !up && i < n->drop_stmt->n_objects; i++) {
			const char *kind = type_kind(n->drop_stmt->remove_type);

			if (kind && strcmp(kind, "schema") == 0 &&
			    n->drop_stmt->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE)
				put(o, "cascade", "*", NULL);
			if (kind)
				put(o, kind, drop_object_name(n->drop_stmt->objects[i]), NULL);
		}
		break;
	default:
		break;
	}
}

/* 1 when `x` is among the downgrade's drops, by itself or with its table. */
static int undone(const objs *down, size_t ndown, const obj *x)
{
	size_t i;

	for (i = 0; i < ndown; i++) {
		const obj *d = &down->v[i];

		if (strcmp(d->kind, "cascade") == 0)
			return 1;
		if (strcmp(d->kind, x->kind) == 0 && strcmp(d->name, x->name) == 0 &&
		    (!x->parent || !d->parent || strcmp(d->parent, x->parent) == 0))
			return 1;
		if (x->parent && strcmp(d->kind, "table") == 0 && strcmp(d->name, x->parent) == 0)
			return 1;
	}
	return 0;
}

void vh_lint_check_revert(vh_lint_scan *s, const vh_lint_sql *up, const vh_lint_sql *down)
{
	objs d = {0};
	size_t i, k;

	/* What the upgrade drops again itself (a staging table) is undone too. */
	for (i = 0; i < down->n; i++)
		if (down->stmts[i].node)
			stmt_objs(down->stmts[i].node, 0, &d);
	for (i = 0; i < up->n; i++)
		if (up->stmts[i].node && up->stmts[i].node->node_case == PG_QUERY__NODE__NODE_DROP_STMT)
			stmt_objs(up->stmts[i].node, 0, &d);
	for (i = 0; i < up->n; i++) {
		objs u = {0};

		if (!up->stmts[i].node)
			continue;
		stmt_objs(up->stmts[i].node, 1, &u);
		s->stmt_no = (unsigned)i + 1;
		s->stmt_text = up->stmts[i].text;
		for (k = 0; k < u.n; k++)
			if (!undone(&d, d.n, &u.v[k]))
				vh_lint_add(s, "downgrade-incomplete", NULL, u.v[k].parent ? u.v[k].parent : NULL,
					    NULL, "upgrade creates %s %s%s%s; downgrade does not drop it",
					    u.v[k].kind, u.v[k].parent ? u.v[k].parent : "",
					    u.v[k].parent ? "." : "", u.v[k].name);
	}
}
