/* vh_diff_acl.c - the diff of who may do what: row level security
 * (ENABLE/DISABLE, FORCE/NO FORCE), policies (CREATE, ALTER where
 * PostgreSQL can, else DROP and CREATE; DROP) and privileges (GRANT,
 * REVOKE per grantee and privilege, columns included; on the schema
 * itself and its default privileges too, their SQL naming the schema as
 * %I).
 *
 * Order: policies are dropped and privileges revoked before anything else
 * (PH_DROP_POLICY), while every object they name still exists; switches,
 * policies and their comments come after every table, column, routine and
 * view exists (PH_POLICY), grants last (PH_GRANT). A view or routine the
 * diff drops and creates again loses its privileges, so they are granted
 * again; a policy whose table loses or retypes a column, or that calls a
 * routine dropped or recreated, is dropped first and created again after. */
#include <stdlib.h>
#include <string.h>

#include "vh_diff_int.h"

/* See vh_diff_int.h. */
int vh_diff_acl_kind(vh_iobj_kind k)
{
	return k == VH_IOBJ_RLS || k == VH_IOBJ_POLICY || k == VH_IOBJ_GRANT || k == VH_IOBJ_SETTING;
}

/* This file's own operations (and vh_diff_settings.c's), the only ones in
 * these phases. */
static int acl_op(const vh_op *op)
{
	return op->phase == PH_DROP_POLICY || op->phase >= PH_POLICY;
}

/* 1 when an operation of kind `k` (or `k2`), not this file's, acts on
 * `name`. */
static int has_op(const vh_dbuilder *b, vh_op_kind k, vh_op_kind k2, const char *name)
{
	size_t i;

	for (i = 0; i < b->d->nops; i++)
		if ((b->d->ops[i].kind == k || b->d->ops[i].kind == k2) &&
		    !acl_op(&b->d->ops[i]) && strcmp(b->d->ops[i].table, name) == 0)
			return 1;
	return 0;
}

/* The object goes with the diff (so what hangs off it needs no undoing). */
static int goes(const vh_dbuilder *b, const char *name)
{
	return has_op(b, VH_OP_REMOVE_TABLE, VH_OP_REMOVE_OBJECT, name);
}

/* The object is dropped and created again (it loses its privileges). */
static int remade(const vh_dbuilder *b, const char *name)
{
	return has_op(b, VH_OP_RECREATE_OBJECT, VH_OP_RECREATE_OBJECT, name);
}

/* ---------------------------------------------------------------------
 * Row level security
 * --------------------------------------------------------------------- */

static const char *rls_state(int e, int f)
{
	return e && f ? "enabled, forced" : e ? "enabled" : f ? "forced" : "disabled";
}

static void rls(vh_dbuilder *b, const vh_iobject *f, const vh_iobject *t)
{
	const vh_iobject *o = t ? t : f;
	int fe = f && strstr(f->def, "enabled"), ff = f && strstr(f->def, "forced");
	int te = t && strstr(t->def, "enabled"), tf = t && strstr(t->def, "forced");

	if ((fe == te && ff == tf) || (!t && goes(b, f->table)))
		return;
	vh_diff_add(b, VH_OP_REPLACE_OBJECT, PH_POLICY, 0, o->table, NULL,
		    vh_diff_fmt("row level security on %s: %s -> %s", o->table, rls_state(fe, ff),
				rls_state(te, tf)),
		    vh_diff_fmt("ALTER TABLE %s%s%s%s", o->table,
				fe == te ? "" : te ? " ENABLE ROW LEVEL SECURITY"
						   : " DISABLE ROW LEVEL SECURITY",
				fe != te && ff != tf ? "," : "",
				ff == tf ? "" : tf ? " FORCE ROW LEVEL SECURITY"
						   : " NO FORCE ROW LEVEL SECURITY"),
		    NULL);
}

/* ---------------------------------------------------------------------
 * Policies
 * --------------------------------------------------------------------- */

/* extra's five fields: permissive, command, roles, USING, WITH CHECK. */
typedef struct pparts {
	char *f[5];
	char *buf;
} pparts;

static int split(pparts *p, const char *extra)
{
	char *s;
	int i;

	memset(p, 0, sizeof(*p));
	if (!(s = p->buf = strdup(extra)))
		return -1;
	for (i = 0; i < 5; i++) {
		p->f[i] = s;
		s += strcspn(s, "\x1f");
		if (*s)
			*s++ = '\0';
	}
	return 0;
}

static int ident_char(char c)
{
	return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (c >= 'A' && c <= 'Z');
}

/* `def` names `word` (a routine when `call`: followed by "("), not inside
 * a longer identifier. A guess from the text, so it errs towards yes. */
static int names(const char *def, const char *word, int call)
{
	size_t n = strlen(word);
	const char *p = def;

	while (n && (p = strstr(p, word)) != NULL) {
		if ((p == def || !ident_char(p[-1])) && (call ? p[n] == '(' : !ident_char(p[n])))
			return 1;
		p += n;
	}
	return 0;
}

/* The policy `p` cannot stay while the diff runs: its table loses or
 * retypes a column, or a routine it calls is dropped or recreated. */
static int policy_disturbed(const vh_dbuilder *b, const vh_iobject *p)
{
	size_t i;

	for (i = 0; i < b->d->nops; i++) {
		const vh_op *op = &b->d->ops[i];
		char routine[256];

		if ((op->kind == VH_OP_REMOVE_COLUMN || op->kind == VH_OP_MODIFY_TYPE) &&
		    strcmp(op->table, p->table) == 0 && op->object && names(p->def, op->object, 0))
			return 1;
		if ((op->kind == VH_OP_REMOVE_OBJECT || op->kind == VH_OP_RECREATE_OBJECT) &&
		    !acl_op(op) && op->detail && strncmp(op->detail, "function ", 9) == 0 &&
		    strlen(op->table) < sizeof(routine)) {
			size_t n = strcspn(op->table, "(");

			memcpy(routine, op->table, n);
			routine[n] = '\0';
			if (names(p->def, routine, 1))
				return 1;
		}
	}
	return 0;
}

static void policy_comment(vh_dbuilder *b, const vh_iobject *o, const char *text)
{
	vh_diff_add(b, VH_OP_MODIFY_COMMENT, PH_POLICY, 1, o->name, NULL, strdup("policy"),
		    vh_diff_fmt("COMMENT ON POLICY %s IS %s", o->name, text ? text : "NULL"), NULL);
}

static void policy_create(vh_dbuilder *b, const vh_iobject *t, vh_op_kind kind)
{
	vh_diff_add(b, kind, PH_POLICY, 0, t->name, NULL, vh_diff_fmt("policy %s", t->name),
		    strdup(t->create), NULL);
	if (t->comment)
		policy_comment(b, t, t->comment);
}

/* ALTER POLICY for what changed, when only roles, USING and WITH CHECK
 * did and no clause goes; NULL otherwise (or out of memory: b->oom). */
static char *policy_alter(vh_dbuilder *b, const vh_iobject *f, const vh_iobject *t)
{
	pparts a, z;
	char *sql = NULL;

	if (split(&a, f->extra) < 0 || split(&z, t->extra) < 0) {
		free(a.buf);
		b->oom = 1;
		return NULL;
	}
	if (strcmp(a.f[0], z.f[0]) == 0 && strcmp(a.f[1], z.f[1]) == 0 &&
	    (!*a.f[3] || *z.f[3]) && (!*a.f[4] || *z.f[4])) {
		int roles = strcmp(a.f[2], z.f[2]) != 0, qual = strcmp(a.f[3], z.f[3]) != 0,
		    chk = strcmp(a.f[4], z.f[4]) != 0;

		if (!(sql = vh_diff_fmt("ALTER POLICY %s%s%s%s%s%s%s%s%s", t->name,
					roles ? " TO " : "", roles ? z.f[2] : "",
					qual ? " USING (" : "", qual ? z.f[3] : "", qual ? ")" : "",
					chk ? " WITH CHECK (" : "", chk ? z.f[4] : "",
					chk ? ")" : "")))
			b->oom = 1;
	}
	free(a.buf);
	free(z.buf);
	return sql;
}

static void policy(vh_dbuilder *b, const vh_iobject *f, const vh_iobject *t)
{
	int disturbed;
	char *sql;

	if (!f) {
		policy_create(b, t, VH_OP_ADD_OBJECT);
		return;
	}
	if (!t) {
		if (!goes(b, f->table))
			vh_diff_add(b, VH_OP_REMOVE_OBJECT, PH_DROP_POLICY, 0, f->name, NULL,
				    vh_diff_fmt("policy %s", f->name), strdup(f->drop), NULL);
		return;
	}
	disturbed = policy_disturbed(b, f);
	if (strcmp(f->def, t->def) == 0 && !disturbed) {
		if (!vh_diff_same(f->comment, t->comment))
			policy_comment(b, t, t->comment);
		return;
	}
	if (!disturbed && (sql = policy_alter(b, f, t)) != NULL) {
		vh_diff_add(b, VH_OP_REPLACE_OBJECT, PH_POLICY, 0, t->name, NULL,
			    vh_diff_fmt("policy %s", t->name), sql, NULL);
		if (!vh_diff_same(f->comment, t->comment))
			policy_comment(b, t, t->comment);
		return;
	}
	vh_diff_add(b, VH_OP_RECREATE_OBJECT, PH_DROP_POLICY, 0, f->name, NULL,
		    vh_diff_fmt("policy %s", f->name), strdup(f->drop),
		    disturbed && strcmp(f->def, t->def) == 0
			    ? "A column or routine it uses changes: dropped here and created "
			      "again after the change."
			    : NULL);
	policy_create(b, t, VH_OP_RECREATE_OBJECT);
}

/* ---------------------------------------------------------------------
 * Privileges
 * --------------------------------------------------------------------- */

/* Kinds whose new objects are given a privilege for PUBLIC by default:
 * EXECUTE on a routine, USAGE on a type; NULL for others. */
static const char *public_default(vh_iobj_kind k)
{
	return k == VH_IOBJ_FUNCTION ? "EXECUTE"
	       : k == VH_IOBJ_ENUM || k == VH_IOBJ_DOMAIN || k == VH_IOBJ_COMPOSITE ? "USAGE"
										: NULL;
}

/* `from` has a routine or type called `name`. */
static int has_default_holder(const vh_ischema *from, const char *name)
{
	static const vh_iobj_kind kinds[] = {VH_IOBJ_FUNCTION, VH_IOBJ_ENUM, VH_IOBJ_DOMAIN,
					     VH_IOBJ_COMPOSITE};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		if (vh_ischema_object(from, kinds[i], name, NULL))
			return 1;
	return 0;
}

/* Marks an operation on the schema itself or its default privileges
 * (vh_introspect_nsp_acl.c): its SQL names the schema as %I. */
static void on_schema(vh_op *op, const vh_iobject *o)
{
	if (op && (strcmp(o->what, "SCHEMA") == 0 || strcmp(o->what, "DEFAULT") == 0))
		op->target_fmt = 1;
}

static void grant(vh_dbuilder *b, const vh_ischema *from, const vh_iobject *f,
		  const vh_iobject *t)
{
	const vh_iobject *o = t ? t : f;
	const char *word = strcmp(o->what, "DEFAULT") == 0 ? "default privilege" : "privilege";
	int again = remade(b, o->table);

	/* Revoked while the object still stands; nothing to revoke on an
	 * object that goes or is created anew. */
	if (f && !again && !goes(b, f->table) && (!t || strcmp(f->def, t->def) != 0))
		on_schema(vh_diff_add(b, VH_OP_REMOVE_OBJECT, PH_DROP_POLICY, 0, f->table, f->name,
				      vh_diff_fmt("%s %s", word, f->def), strdup(f->drop), NULL),
			  f);
	if (!t || (f && !again && strcmp(f->def, t->def) == 0))
		return;
	/* What a new routine or type gets anyway (EXECUTE, USAGE to PUBLIC). */
	if (*t->extra == 'd' && (again || !has_default_holder(from, t->table)))
		return;
	on_schema(vh_diff_add(b, VH_OP_ADD_OBJECT, PH_GRANT, 0, t->table, t->name,
			      vh_diff_fmt("%s %s", word, t->def), strdup(t->create), NULL),
		  t);
}

/* A routine or type created (or created again) by the diff gets EXECUTE
 * or USAGE for PUBLIC; revoke it when the other side has it revoked. */
static void public_default_revoked(vh_dbuilder *b, const vh_ischema *from, const vh_ischema *to,
				   const vh_iobject *t)
{
	const char *priv = public_default(t->kind);
	char *name;

	if (vh_ischema_object(from, t->kind, t->name, NULL) && !remade(b, t->name))
		return;
	if (!(name = vh_diff_fmt("%s ON %s %s TO PUBLIC", priv, t->what, t->name))) {
		b->oom = 1;
		return;
	}
	if (!vh_ischema_object(to, VH_IOBJ_GRANT, name, NULL))
		vh_diff_add(b, VH_OP_REMOVE_OBJECT, PH_GRANT, 0, t->name, name,
			    vh_diff_fmt("privilege %s", name),
			    vh_diff_fmt("REVOKE %s ON %s %s FROM PUBLIC", priv, t->what, t->name), NULL);
	free(name);
}

/* See vh_diff_int.h. */
void vh_diff_acl(vh_dbuilder *b, const vh_ischema *from, const vh_ischema *to)
{
	size_t i;

	for (i = 0; i < from->nobjs + to->nobjs && !b->oom; i++) {
		int mine = i < from->nobjs;
		const vh_iobject *o = mine ? &from->objs[i] : &to->objs[i - from->nobjs];
		const vh_iobject *f = mine ? o : vh_ischema_object(from, o->kind, o->name, NULL);
		const vh_iobject *t = mine ? vh_ischema_object(to, o->kind, o->name, NULL) : o;

		if (!mine && public_default(o->kind))
			public_default_revoked(b, from, to, o);
		if (!vh_diff_acl_kind(o->kind) || (!mine && f))
			continue; /* a pair is seen from `from` */
		if (o->kind == VH_IOBJ_RLS)
			rls(b, f, t);
		else if (o->kind == VH_IOBJ_POLICY)
			policy(b, f, t);
		else if (o->kind == VH_IOBJ_SETTING)
			vh_diff_setting(b, f, t);
		else
			grant(b, from, f, t);
	}
}
