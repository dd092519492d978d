/* vh_diff_types.c - domains, composite types and extensions that both
 * sides hold but that differ, altered in place where PostgreSQL can:
 * ALTER DOMAIN (default, NOT NULL, constraints dropped and added by name),
 * ALTER TYPE ... ADD/DROP/ALTER ATTRIBUTE when the attributes keep their
 * order, ALTER EXTENSION ... UPDATE TO; otherwise (a domain's base type, a
 * composite type's attributes reordered) dropped and created again with a
 * note. Also where these kinds go in the plan (vh_diff_type_order): what
 * others are built on first, dropped in reverse. The `extra` fields read
 * here are described in vh_introspect_types.c. */
#include <stdlib.h>
#include <string.h>

#include "vh_diff_int.h"

/* Creation order within a phase: schemas, extensions first (their types back
 * domains and columns), then enums (order 0), domains in creation order
 * (a domain over a domain follows it), composite types after every domain.
 * Drops run the other way round. */
long vh_diff_type_order(const vh_iobject *o, int create)
{
	long v;

	switch (o->kind) {
	case VH_IOBJ_SCHEMA: /* extensions may go into it */
		v = -2;
		break;
	case VH_IOBJ_EXTENSION:
		v = -1;
		break;
	case VH_IOBJ_DOMAIN:
		v = (long)o->oid;
		break;
	case VH_IOBJ_COMPOSITE:
		v = (long)o->oid + 0x100000000L;
		break;
	default:
		return 0;
	}
	return create ? v : -v;
}

/* "domain d: detail". */
static char *label(const vh_iobject *o, const char *detail)
{
	const char *w = o->kind == VH_IOBJ_DOMAIN ? "domain"
			: o->kind == VH_IOBJ_EXTENSION ? "extension" : "type";

	return detail ? vh_diff_fmt("%s %s: %s", w, o->name, detail) : vh_diff_fmt("%s %s", w, o->name);
}

/* Field `i` of a \x1f-separated list, copied; NULL past the end or when
 * out of memory. */
static char *field(const char *s, int i)
{
	for (; i > 0 && s; i--)
		if ((s = strchr(s, '\x1f')))
			s++;
	return s ? strndup(s, strcspn(s, "\x1f")) : NULL;
}

/* An operation of one altered type, in the alter phase before the columns
 * that may use it; `step` orders one type's operations. */
static void alter(vh_dbuilder *b, const vh_iobject *t, int step, char *detail, char *sql,
		  const char *review)
{
	vh_op *op = vh_diff_add(b, VH_OP_REPLACE_OBJECT, PH_ALTER_COLUMN, step, t->name, NULL,
				detail ? label(t, detail) : NULL, sql, review);

	free(detail);
	if (op)
		op->order = -1;
}

/* Dropped before anything is created and created again in its creation
 * phase, with its comment. */
static void recreate(vh_dbuilder *b, const vh_iobject *f, const vh_iobject *t, const char *why)
{
	vh_op *op;

	vh_diff_add(b, VH_OP_RECREATE_OBJECT, PH_REDROP_ROUTINE, 0, f->name, NULL, label(f, NULL),
		    strdup(f->drop), why);
	op = vh_diff_add(b, VH_OP_RECREATE_OBJECT, PH_CREATE_ENUM, 0, t->name, NULL,
			 label(t, NULL), strdup(t->create), NULL);
	if (op)
		op->order = vh_diff_type_order(t, 1);
	if (t->comment)
		vh_diff_add(b, VH_OP_MODIFY_COMMENT, PH_COMMENT, 0, t->name, NULL,
			    strdup(t->kind == VH_IOBJ_DOMAIN ? "domain" : "type"),
			    vh_diff_fmt("COMMENT ON %s %s IS %s", t->what, t->name, t->comment), NULL);
}

/* ---------------------------------------------------------------------
 * Domains
 * --------------------------------------------------------------------- */

/* The constraint "name CHECK (...)" called `name` in a \x1e-separated
 * list, or NULL. */
static const char *find_check(const char *list, const char *name, size_t *len)
{
	size_t n = strlen(name);

	while (list && *list) {
		size_t l = strcspn(list, "\x1e");

		if (l > n && strncmp(list, name, n) == 0 && list[n] == ' ') {
			*len = l;
			return list;
		}
		list += l + (list[l] != '\0');
	}
	return NULL;
}

/* The constraints of `a` missing from `b` or different there: DROP (when
 * `drop`) or ADD each. */
static void domain_checks(vh_dbuilder *b, const vh_iobject *t, const char *a, const char *other,
			  int drop)
{
	while (a && *a) {
		size_t l = strcspn(a, "\x1e"), ol = 0, nl = strcspn(a, " ");
		char *name = strndup(a, nl);
		const char *o = name ? find_check(other, name, &ol) : NULL;

		if (!name) {
			b->oom = 1;
			return;
		}
		if (!o || ol != l || strncmp(o, a, l) != 0) {
			if (drop)
				alter(b, t, 0, vh_diff_fmt("drop constraint %s", name),
				      vh_diff_fmt("ALTER DOMAIN %s DROP CONSTRAINT %s", t->name, name), NULL);
			else
				alter(b, t, 3, vh_diff_fmt("add constraint %.*s", (int)l, a),
				      vh_diff_fmt("ALTER DOMAIN %s ADD CONSTRAINT %.*s", t->name, (int)l, a),
				      "Checks every column of the domain, and fails on a value that "
				      "breaks the constraint.");
		}
		free(name);
		a += l + (a[l] != '\0');
	}
}

static int change_domain(vh_dbuilder *b, const vh_iobject *f, const vh_iobject *t)
{
	char *fv[4], *tv[4];
	int i, remade = 0;

	for (i = 0; i < 4; i++) {
		fv[i] = field(f->extra, i);
		tv[i] = field(t->extra, i);
		if (!fv[i] || !tv[i])
			b->oom = 1;
	}
	if (b->oom) {
		/* nothing more */
	} else if (strcmp(fv[0], tv[0]) != 0) {
		recreate(b, f, t,
			 "The base type changed, which ALTER DOMAIN cannot do: dropped and created "
			 "again. Columns of the domain must be converted to another type before and "
			 "back after.");
		remade = 1;
	} else {
		domain_checks(b, t, fv[3], tv[3], 1);
		if (strcmp(fv[1], tv[1]) != 0)
			alter(b, t, 1, vh_diff_fmt("default %s -> %s", *fv[1] ? fv[1] : "(none)",
						   *tv[1] ? tv[1] : "(none)"),
			      *tv[1] ? vh_diff_fmt("ALTER DOMAIN %s SET DEFAULT %s", t->name, tv[1])
				     : vh_diff_fmt("ALTER DOMAIN %s DROP DEFAULT", t->name),
			      NULL);
		if (strcmp(fv[2], tv[2]) != 0)
			alter(b, t, 2, strdup(tv[2][0] == 't' ? "NULL -> NOT NULL" : "NOT NULL -> NULL"),
			      vh_diff_fmt("ALTER DOMAIN %s %s NOT NULL", t->name,
					  tv[2][0] == 't' ? "SET" : "DROP"),
			      tv[2][0] == 't' ? "SET NOT NULL fails if a column of the domain holds "
						"NULLs."
					      : NULL);
		domain_checks(b, t, tv[3], fv[3], 0);
	}
	for (i = 0; i < 4; i++) {
		free(fv[i]);
		free(tv[i]);
	}
	return remade;
}

/* ---------------------------------------------------------------------
 * Composite types
 * --------------------------------------------------------------------- */

/* Length of the (possibly quoted) attribute name that starts `a`. */
static size_t name_len(const char *a)
{
	const char *p = a;

	if (*p != '"')
		return strcspn(a, " ");
	for (p++; *p; p++)
		if (*p == '"') {
			if (p[1] != '"')
				return (size_t)(p + 1 - a);
			p++;
		}
	return strlen(a);
}

/* The attributes of a \x1f-separated list as an array of pointers into a
 * copy (*buf, the caller's), NULL-terminated. */
static char **attrs(const char *list, char **buf)
{
	size_t n = 2, i = 0;
	char **v, *p;

	for (p = (char *)list; *p; p++)
		n += *p == '\x1f';
	if (!(*buf = strdup(list)) || !(v = calloc(n, sizeof(char *)))) {
		free(*buf);
		*buf = NULL;
		return NULL;
	}
	for (p = *buf; *p;) {
		size_t l = strcspn(p, "\x1f");

		v[i++] = p;
		if (!p[l])
			break;
		p[l] = '\0';
		p += l + 1;
	}
	return v;
}

/* The attribute of `v` named as `a` is, or NULL. */
static const char *attr_named(char **v, const char *a)
{
	size_t n = name_len(a);

	for (; *v; v++)
		if (name_len(*v) == n && strncmp(*v, a, n) == 0)
			return *v;
	return NULL;
}

/* 1 when the attributes of `fv` that `tv` keeps are, in order, the first
 * of `tv`, so dropping and appending gives `tv`'s order. */
static int keeps_order(char **fv, char **tv)
{
	size_t j = 0;

	for (; *fv; fv++) {
		if (!attr_named(tv, *fv))
			continue;
		if (!tv[j] || name_len(tv[j]) != name_len(*fv) ||
		    strncmp(tv[j], *fv, name_len(*fv)) != 0)
			return 0;
		j++;
	}
	return 1;
}

/* "t.c" of a column of `from` whose type is the composite `name` (or its
 * array), or NULL. Static buffer. */
static const char *used_by(const vh_ischema *from, const char *name)
{
	static char where[600];
	size_t i, k, n = strlen(name);

	for (i = 0; i < from->ntables; i++)
		for (k = 0; k < from->tables[i].ncols; k++) {
			const char *ty = from->tables[i].cols[k].type;

			if (strncmp(ty, name, n) == 0 && (!ty[n] || strcmp(ty + n, "[]") == 0)) {
				snprintf(where, sizeof(where), "%s.%s", from->tables[i].name,
					 from->tables[i].cols[k].name);
				return where;
			}
		}
	return NULL;
}

static int change_composite(vh_dbuilder *b, const vh_ischema *from, const vh_iobject *f,
			    const vh_iobject *t)
{
	char *fb = NULL, *tb = NULL, **fv = attrs(f->extra, &fb), **tv = attrs(t->extra, &tb), *note = NULL;
	const char *user = used_by(from, f->name);
	int remade = 0;
	size_t i;

	if (!fv || !tv) {
		b->oom = 1;
	} else if (!keeps_order(fv, tv)) {
		recreate(b, f, t,
			 "The attributes are reordered, which ALTER TYPE cannot do: dropped and "
			 "created again. What uses the type (columns, routines) must go before and "
			 "come back after.");
		remade = 1;
	} else {
		if (user && !(note = vh_diff_fmt("Column %s uses the type: PostgreSQL refuses to "
						 "change it while a table column does.", user)))
			b->oom = 1;
		for (i = 0; fv[i]; i++) {
			const char *o = attr_named(tv, fv[i]);
			int n = (int)name_len(fv[i]);

			if (!o)
				alter(b, t, 0, vh_diff_fmt("drop attribute %.*s", n, fv[i]),
				      vh_diff_fmt("ALTER TYPE %s DROP ATTRIBUTE %.*s", t->name, n, fv[i]),
				      note);
			else if (strcmp(o, fv[i]) != 0)
				alter(b, t, 1, vh_diff_fmt("attribute %s -> %s", fv[i], o),
				      vh_diff_fmt("ALTER TYPE %s ALTER ATTRIBUTE %.*s TYPE %s", t->name,
						  n, o, o + n + 1),
				      note);
		}
		for (i = 0; tv[i]; i++)
			if (!attr_named(fv, tv[i]))
				alter(b, t, 2, vh_diff_fmt("add attribute %s", tv[i]),
				      vh_diff_fmt("ALTER TYPE %s ADD ATTRIBUTE %s", t->name, tv[i]),
				      note);
	}
	free(note);
	free(fv);
	free(tv);
	free(fb);
	free(tb);
	return remade;
}

/* See vh_diff_int.h. */
int vh_diff_type_change(vh_dbuilder *b, const vh_ischema *from, const vh_iobject *f,
			const vh_iobject *t)
{
	vh_op *op;

	switch (t->kind) {
	case VH_IOBJ_DOMAIN:
		return change_domain(b, f, t);
	case VH_IOBJ_COMPOSITE:
		return change_composite(b, from, f, t);
	default: /* an extension: its version */
		op = vh_diff_add(b, VH_OP_REPLACE_OBJECT, PH_ALTER_ENUM, 0, t->name, NULL,
				 label(t, t->def),
				 vh_diff_fmt("ALTER EXTENSION %s UPDATE TO '%s'", t->name, t->extra),
				 "Runs the extension's update script from the installed version; "
				 "extensions seldom ship one that goes back to an older version.");
		if (op)
			op->order = -1;
		return 0;
	}
}
