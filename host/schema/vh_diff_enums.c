/* vh_diff_enums.c - an enum type whose labels changed: new labels added in
 * place (ALTER TYPE ... ADD VALUE ... AFTER/BEFORE), labels renamed where
 * the list keeps its length and order (ALTER TYPE ... RENAME VALUE, a
 * guess the note says is one), and otherwise (labels removed or moved,
 * which PostgreSQL cannot do in place) the type recreated: the old one
 * renamed aside, the new one created, each column that uses it converted
 * through text, the old one dropped. */
#include <stdlib.h>
#include <string.h>

#include "vh_diff_int.h"

/* Labels of an enum (quoted literals separated by \x1f) as a NULL-
 * terminated array of copies; NULL when out of memory. */
static char **labels(const char *s)
{
	size_t n = 1, i = 0;
	const char *p;
	char **v;

	for (p = s; *p; p++)
		n += *p == '\x1f';
	if (!(v = calloc(n + 1, sizeof(char *))))
		return NULL;
	for (p = s; *s && i < n; i++) {
		size_t len = strcspn(p, "\x1f");

		if (!(v[i] = strndup(p, len)))
			break;
		p += len + (p[len] != '\0');
	}
	return v;
}

static void free_labels(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static int has(char **v, const char *s)
{
	for (size_t i = 0; v[i]; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

static size_t count(char **v)
{
	size_t n = 0;

	while (v[n])
		n++;
	return n;
}

/* 1 when every label of `f` is in `t`, in the same order. */
static int only_added(char **f, char **t)
{
	size_t i = 0, j = 0;

	for (; f[i]; i++) {
		while (t[j] && strcmp(t[j], f[i]) != 0)
			j++;
		if (!t[j])
			return 0;
	}
	return 1;
}

/* 1 when the lists have the same length and each differing position
 * holds, on both sides, a label the other side lacks. */
static int only_renamed(char **f, char **t)
{
	size_t i;

	if (count(f) != count(t))
		return 0;
	for (i = 0; f[i]; i++)
		if (strcmp(f[i], t[i]) != 0 && (has(t, f[i]) || has(f, t[i])))
			return 0;
	return 1;
}

/* "name" with a suffix, quoted as the name is. */
static char *aside(const char *name)
{
	size_t n = strlen(name);

	return name[0] == '"' ? vh_diff_fmt("%.*s__vhost_old\"", (int)(n - 1), name)
			      : vh_diff_fmt("%s__vhost_old", name);
}

/* The type recreated, its columns (those of `from` that stay in use)
 * converted through text. A column `to` lacks is dropped before this
 * (phase PH_DROP_COLUMN, or with its table): not converted. A column's
 * default is dropped for the conversion and set to the one it ends with. */
static void recreate(vh_dbuilder *b, const vh_ischema *from, const vh_ischema *to,
		     const vh_iobject *f, const vh_iobject *t)
{
	char *old = aside(t->name), *arr = vh_diff_fmt("%s[]", t->name);
	size_t i, k;

	if (!old || !arr) {
		b->oom = 1;
		free(old);
		free(arr);
		return;
	}
	vh_diff_add(b, VH_OP_RECREATE_OBJECT, PH_ALTER_ENUM, 0, t->name, NULL,
		    vh_diff_fmt("enum %s: (%s) -> (%s)", t->name, f->def, t->def),
		    vh_diff_fmt("ALTER TYPE %s RENAME TO %s", t->name, old),
		    "Labels are removed or reordered, which PostgreSQL cannot do in place: the "
		    "type is recreated and every column of it converted through text. Rows that "
		    "hold a removed label make the conversion fail: update them first.");
	vh_diff_add(b, VH_OP_RECREATE_OBJECT, PH_ALTER_ENUM, 1, t->name, NULL,
		    vh_diff_fmt("enum %s", t->name), strdup(t->create), NULL);
	for (i = 0; i < from->ntables; i++) {
		const vh_itable *tb = &from->tables[i];

		const vh_itable *kept = vh_ischema_table(to, tb->name);

		for (k = 0; kept && k < tb->ncols; k++) {
			const vh_icolumn *c = &tb->cols[k], *kc = vh_diff_find_column(kept, c->name);
			int is_arr = strcmp(c->type, arr) == 0;
			const char *def;

			if ((!is_arr && strcmp(c->type, t->name) != 0) || !kc)
				continue;
			/* The default the column ends with (the old one may name a
			 * label that goes), unless the column ends as another type. */
			def = strcmp(kc->type, c->type) == 0 ? kc->def : c->def;
			vh_diff_add(b, VH_OP_RECREATE_OBJECT, PH_ALTER_ENUM, 2, t->name, NULL,
				    vh_diff_fmt("enum %s: column %s.%s", t->name, tb->name, c->name),
				    vh_diff_fmt("ALTER TABLE %s %s%s%sALTER COLUMN %s TYPE %s USING "
						"%s::text%s::%s%s%s%s%s",
						tb->name, c->def ? "ALTER COLUMN " : "",
						c->def ? c->name : "", c->def ? " DROP DEFAULT, " : "",
						c->name, c->type, c->name, is_arr ? "[]" : "", c->type,
						def ? ", ALTER COLUMN " : "", def ? c->name : "",
						def ? " SET DEFAULT " : "", def ? def : ""),
				    NULL);
		}
	}
	vh_diff_add(b, VH_OP_RECREATE_OBJECT, PH_ALTER_ENUM, 3, t->name, NULL,
		    vh_diff_fmt("enum %s", old), vh_diff_fmt("DROP TYPE %s", old), NULL);
	free(old);
	free(arr);
}

void vh_diff_enum(vh_dbuilder *b, const vh_ischema *from, const vh_ischema *to,
		  const vh_iobject *f, const vh_iobject *t)
{
	char **fl = labels(f->extra), **tl = labels(t->extra);
	size_t i;

	if (!fl || !tl) {
		b->oom = 1;
	} else if (count(fl) && only_added(fl, tl)) {
		for (i = 0; tl[i]; i++) {
			size_t k = 0;

			if (has(fl, tl[i]))
				continue;
			if (i == 0)
				while (tl[k] && !has(fl, tl[k]))
					k++;
			vh_diff_add(b, VH_OP_ADD_ENUM_VALUE, PH_ALTER_ENUM, 0, t->name, NULL,
				    vh_diff_fmt("enum %s: %s", t->name, tl[i]),
				    i ? vh_diff_fmt("ALTER TYPE %s ADD VALUE %s AFTER %s", t->name,
						    tl[i], tl[i - 1])
				      : vh_diff_fmt("ALTER TYPE %s ADD VALUE %s BEFORE %s", t->name,
						    tl[i], tl[k]),
				    NULL);
		}
	} else if (only_renamed(fl, tl)) {
		for (i = 0; tl[i]; i++)
			if (strcmp(fl[i], tl[i]) != 0)
				vh_diff_add(b, VH_OP_RENAME_ENUM_VALUE, PH_ALTER_ENUM, 0, t->name,
					    NULL, vh_diff_fmt("enum %s: %s -> %s", t->name, fl[i], tl[i]),
					    vh_diff_fmt("ALTER TYPE %s RENAME VALUE %s TO %s", t->name,
							fl[i], tl[i]),
					    "A renamed label is a guess from its position: if the old "
					    "label was dropped and a new one added, recreate the type.");
	} else {
		recreate(b, from, to, f, t);
	}
	free_labels(fl);
	free_labels(tl);
}
