/* vh_autogen_online_ops.c - the online plan's reading of the operations
 * it moves (vh_autogen_online.h): definitions as pg_get_constraintdef
 * writes them, names as the diff quotes them. */
#include <stdlib.h>
#include <string.h>

#include "vh_autogen_online.h"
#include "vh_diff_int.h"
#include "vh_error.h"

/* The end of the parenthesised list at `p` ('('), past its ')', with
 * quoted names skipped; NULL when `p` is not one. */
static const char *list_end(const char *p)
{
	int depth = 0;

	if (*p != '(')
		return NULL;
	for (; *p; p++) {
		if (*p == '"') {
			for (p++; *p && !(*p == '"' && p[1] != '"'); p += *p == '"' ? 2 : 1)
				;
			if (!*p)
				return NULL;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')' && --depth == 0) {
			return p + 1;
		}
	}
	return NULL;
}

/* See vh_autogen_online.h. */
int vh_online_key(const vh_op *op, char **index, char **attach)
{
	static const char *const tails[] = {"", " DEFERRABLE", " DEFERRABLE INITIALLY DEFERRED",
					    " DEFERRABLE INITIALLY IMMEDIATE", NULL};
	const char *d = op->detail, *cols, *cols_end, *end, *inc = NULL, *inc_end = NULL;
	int pk, nnd = 0, tail_ok = 0;

	*index = *attach = NULL;
	if (op->kind != VH_OP_ADD_CONSTRAINT || !d || !op->object)
		return 0;
	if ((pk = strncmp(d, "PRIMARY KEY (", 13) == 0))
		cols = d + 12;
	else if ((nnd = strncmp(d, "UNIQUE NULLS NOT DISTINCT (", 27) == 0))
		cols = d + 26;
	else if (strncmp(d, "UNIQUE (", 8) == 0)
		cols = d + 7;
	else
		return 0; /* CHECK, EXCLUDE: no USING INDEX */
	if (!(end = cols_end = list_end(cols)))
		return 0;
	if (strncmp(end, " INCLUDE (", 10) == 0) {
		inc = end + 9;
		if (!(inc_end = list_end(inc)))
			return 0;
		end = inc_end;
	}
	/* WITH (...) and USING INDEX TABLESPACE would need the index built
	 * with them: left to the plain ADD CONSTRAINT. */
	for (size_t i = 0; tails[i]; i++)
		tail_ok |= strcmp(end, tails[i]) == 0;
	if (!tail_ok)
		return 0;
	*index = vh_diff_fmt("CREATE UNIQUE INDEX %s ON %s %.*s%s%.*s%s", op->object, op->table,
			     (int)(cols_end - cols), cols,
			     inc ? " INCLUDE " : "", inc ? (int)(inc_end - inc) : 0, inc ? inc : "",
			     nnd ? " NULLS NOT DISTINCT" : "");
	*attach = vh_diff_fmt("ALTER TABLE %s ADD CONSTRAINT %s %s USING INDEX %s%s", op->table,
			      op->object, pk ? "PRIMARY KEY" : "UNIQUE", op->object, end);
	if (!*index || !*attach) {
		free(*index);
		free(*attach);
		*index = *attach = NULL;
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	return 1;
}

/* See vh_autogen_online.h. */
int vh_online_key_has(const vh_op *d, const char *column)
{
	const char *p = d->detail + 13;
	size_t n = strlen(column);

	for (; *p && *p != ')'; p += strcspn(p, ",)"), p += *p == ',' ? 2 : 0)
		if (strncmp(p, column, n) == 0 && (p[n] == ',' || p[n] == ')'))
			return 1;
	return 0;
}

/* `s` without quotes ("\"Order\"" -> "Order"). */
static char *unquote(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	if (!out)
		return NULL;
	if (*s != '"')
		return strcpy(out, s);
	for (s++; *s; s++) {
		if (*s == '"' && s[1] == '"')
			s++;
		else if (*s == '"')
			break;
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

/* See vh_autogen_online.h. */
char *vh_online_nn_name(const char *table, const char *col)
{
	char *t = unquote(table), *c = unquote(col), *raw = NULL, *out = NULL, *o;
	int plain = 1;

	if (t && c && (raw = vh_diff_fmt("vh_nn_%s_%s", t, c))) {
		raw[strlen(raw) > 63 ? 63 : strlen(raw)] = '\0';
		for (o = raw; *o; o++)
			plain &= (*o >= 'a' && *o <= 'z') || (*o >= '0' && *o <= '9') || *o == '_';
		if (plain)
			out = strdup(raw);
		else if ((out = malloc(strlen(raw) * 2 + 3))) {
			o = out;
			*o++ = '"';
			for (const char *p = raw; *p; p++) {
				if (*p == '"')
					*o++ = '"';
				*o++ = *p;
			}
			*o++ = '"';
			*o = '\0';
		}
	}
	free(t);
	free(c);
	free(raw);
	return out;
}

/* See vh_autogen_online.h. */
int vh_online_mentions(const char *text, const char *type)
{
	size_t n = strlen(type);

	for (const char *p = text; p && (p = strstr(p, type)) != NULL; p += n) {
		char before = p > text ? p[-1] : ' ', after = p[n];

		if (!(before == '_' || before == '$' || (before >= 'a' && before <= 'z') ||
		      (before >= '0' && before <= '9')) &&
		    !(after == '_' || after == '$' || (after >= 'a' && after <= 'z') ||
		      (after >= '0' && after <= '9')))
			return 1;
	}
	return 0;
}

/* The definition the downgrade `down` puts back for what `u` (an upgrade
 * operation) drops or changes: its column's definition, its table's
 * CREATE TABLE, its type change; NULL when there is none. */
static const char *restored(const vh_op *u, const vh_diff *down)
{
	if (u->kind == VH_OP_MODIFY_TYPE)
		return u->detail;
	for (size_t i = 0; i < down->nops; i++) {
		const vh_op *o = &down->ops[i];

		if (strcmp(o->table, u->table) != 0)
			continue;
		if (u->kind == VH_OP_REMOVE_TABLE && o->kind == VH_OP_ADD_TABLE)
			return o->sql;
		if (u->kind == VH_OP_REMOVE_COLUMN && o->kind == VH_OP_ADD_COLUMN && o->object &&
		    strcmp(o->object, u->object) == 0)
			return o->detail;
	}
	return NULL;
}

/* See vh_autogen_online.h. The downgrade recreates each such type and
 * converts the columns the model and the database both have of it: a
 * column of the type the change drops (alone or with its table), or whose
 * type it changes from or to it, would be put back or left on a type the
 * separate downgrade does not convert. The definitions are searched for
 * the type's name, which errs on the safe side. */
int vh_online_enum_alone(const vh_diff *up, const vh_diff *down)
{
	for (size_t i = 0; i < up->nops; i++) {
		const vh_op *u = &up->ops[i];
		const char *def;

		if (u->kind != VH_OP_REMOVE_TABLE && u->kind != VH_OP_REMOVE_COLUMN &&
		    u->kind != VH_OP_MODIFY_TYPE)
			continue;
		if (!(def = restored(u, down)))
			return 0;
		for (size_t j = 0; j < up->nops; j++)
			if (up->ops[j].kind == VH_OP_ADD_ENUM_VALUE && vh_online_mentions(def, up->ops[j].table))
				return 0;
	}
	return 1;
}

/* See vh_autogen_online.h. */
int vh_online_drop_label_note(vh_op *op)
{
	char *at = op->review ? strstr(op->review, vh_diff_label_note) : NULL, *r;
	size_t n = strlen(vh_diff_label_note);

	if (!at)
		return 0;
	if (at > op->review && at[-1] == ' ')
		at--, n++;
	else if (at[n] == ' ')
		n++;
	if (at == op->review && !at[n]) {
		free(op->review);
		op->review = NULL;
		return 0;
	}
	if (!(r = vh_diff_fmt("%.*s%s", (int)(at - op->review), op->review, at + n)))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	free(op->review);
	op->review = r;
	return 0;
}
