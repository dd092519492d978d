/* vh_inventory.c - sorting the catalog differences of two schemas into
 * those the diff generates and those it does not, which are named (see
 * vh_inventory.h for the rules). */
#include "vh_inventory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_error.h"

/* Catalog kinds with operations of their own in the diff. */
static const char *const modelled_kinds[] = {
	"view", "materialized view", "enum", "function", "procedure", "trigger", "sequence",
	"domain", "type", "extension", "policy", "setting", NULL,
};

int vh_inventory_modelled_kind(const char *kind)
{
	size_t i;

	for (i = 0; modelled_kinds[i]; i++)
		if (strcmp(kind, modelled_kinds[i]) == 0)
			return 1;
	return 0;
}

typedef struct inv {
	const vh_catalog *from, *to;
	char **lines;
	size_t n, cap;
	int oom;
} inv;

/* 1 when the relation `owner` (name up to `len`) is, on each side that has
 * it, an ordinary table or a relation of a modelled kind, and some side has
 * it: what hangs off it is then the diff's. */
static int owner_modelled(const inv *v, const char *name, size_t len, int tables_only)
{
	static const char *const kinds[] = {"table", "view", "materialized view"};
	const vh_catalog *cats[2] = {v->from, v->to};
	char owner[512];
	int found = 0;
	size_t s, k;

	if (len >= sizeof(owner))
		return 0;
	memcpy(owner, name, len);
	owner[len] = '\0';
	for (s = 0; s < 2; s++)
		for (k = 0; k < 3; k++) {
			const vh_catalog_entry *e = vh_catalog_find(cats[s], kinds[k], owner);

			if (!e)
				continue;
			if (k != 0 && (tables_only || !vh_inventory_modelled_kind(kinds[k])))
				return 0;
			found = 1;
		}
	return found;
}

/* A sequence that is part of a serial or identity column. */
static int column_seq(const vh_catalog_entry *e)
{
	return strstr(e->def, " (identity)") || strstr(e->def, " (serial)");
}

/* `e`, a type's or routine's "X to PUBLIC" privilege that one side lacks:
 * the default every new one gets, when the object itself is missing from
 * `other` (the side without the privilege) too. */
static int default_grant(const inv *v, const vh_catalog_entry *e, const vh_catalog *other)
{
	static const char *const kinds[] = {"enum", "domain", "type", "function", "procedure",
					    "aggregate", "window function", NULL};
	const char *to = strstr(e->name, " to PUBLIC");
	char name[512];
	size_t i;

	(void)v;
	if (!to || to[10] != '\0' || (size_t)(to - e->name) >= sizeof(name))
		return 0;
	memcpy(name, e->name, (size_t)(to - e->name));
	name[to - e->name] = '\0';
	for (i = 0; kinds[i]; i++)
		if (vh_catalog_find(other, kinds[i], name))
			return 0;
	return 1;
}

/* Comments: on a table, a view and their columns, a constraint of a
 * table, an index (a materialized view's too), and the objects of a
 * modelled kind. */
static int comment_modelled(const inv *v, const char *name)
{
	static const char *const kinds[] = {"sequence ", "function ", "procedure ",
					    "trigger ", "index ", "policy ", NULL};
	size_t i;

	if (!strchr(name, ' ')) {
		size_t len = strcspn(name, ".");

		return owner_modelled(v, name, len, 0);
	}
	if (strncmp(name, "table constraint ", 17) == 0) {
		const char *on = strstr(name, " on ");

		return on && owner_modelled(v, on + 4, strlen(on + 4), 1);
	}
	for (i = 0; kinds[i]; i++)
		if (strncmp(name, kinds[i], strlen(kinds[i])) == 0)
			return 1;
	/* "type x": an enum's, a composite type's; "domain x". */
	if (strncmp(name, "domain ", 7) == 0)
		return !strstr(name, " on ");
	return strncmp(name, "type ", 5) == 0 &&
	       (vh_catalog_find(v->from, "enum", name + 5) || vh_catalog_find(v->to, "enum", name + 5) ||
		vh_catalog_find(v->from, "type", name + 5) || vh_catalog_find(v->to, "type", name + 5) ||
		vh_catalog_find(v->from, "domain", name + 5) ||
		vh_catalog_find(v->to, "domain", name + 5));
}

/* `def` without its row level security words (vh_diff_acl.c's), into
 * `out`; 0 when it does not fit. */
static int without_rls(char *out, size_t size, const char *def)
{
	static const char *const words[] = {"force row level security", "row level security"};
	size_t i, n;
	char *p;

	if (strlen(def) >= size)
		return 0;
	strcpy(out, def);
	for (i = 0; i < 2; i++)
		while ((p = strstr(out, words[i])) != NULL) {
			n = strlen(words[i]) + (p[strlen(words[i])] == ' ');
			memmove(p, p + n, strlen(p + n) + 1);
		}
	for (n = strlen(out); n && out[n - 1] == ' '; n--)
		out[n - 1] = '\0';
	return 1;
}

/* 1 when two table entries, their row level security words left out
 * (without_rls), differ at most in "partition of <parent> <bound>", which
 * the diff attaches and detaches; a different partition key or UNLOGGED is
 * not generated. */
static int partition_only(const char *a, const char *b)
{
	const char *pa = strstr(a, "partition of "), *pb = strstr(b, "partition of ");
	size_t la = pa ? (size_t)(pa - a) : strlen(a), lb = pb ? (size_t)(pb - b) : strlen(b);

	/* "x partition of ..." and "x": the text before must match, with the
	 * separating space; only row level security came after the bound. */
	while (la && a[la - 1] == ' ')
		la--;
	while (lb && b[lb - 1] == ' ')
		lb--;
	return la == lb && strncmp(a, b, la) == 0;
}

/* A privilege (vh_diff_acl.c's): on a relation that is not a foreign
 * table, or a function or procedure (not an aggregate): "obj to role".
 * (The diff leaves out, by design, those of the role vhost connects as.) */
static int privilege_modelled(const inv *v, const vh_catalog_entry *e)
{
	static const char *const routines[] = {"function", "procedure"};
	const char *to = NULL, *p = e->name;
	char name[512];
	size_t len, i;

	while ((p = strstr(p, " to ")) != NULL)
		to = p++;
	if (!to || (len = (size_t)(to - e->name)) >= sizeof(name))
		return 0;
	memcpy(name, e->name, len);
	name[len] = '\0';
	if (strcmp(e->kind, "routine privilege") != 0) {
		if (strcmp(e->kind, "column privilege") == 0)
			name[strcspn(name, ".")] = '\0';
		return !vh_catalog_find(v->from, "foreign table", name) &&
		       !vh_catalog_find(v->to, "foreign table", name);
	}
	for (i = 0; i < 2; i++)
		if (vh_catalog_find(v->from, routines[i], name) ||
		    vh_catalog_find(v->to, routines[i], name))
			return 1;
	return 0;
}

/* 1 when the diff generates this difference. */
static int modelled(const inv *v, const vh_catalog_entry *a, const vh_catalog_entry *b)
{
	const vh_catalog_entry *e = a ? a : b;
	const char *k = e->kind;

	if (strcmp(k, "table") == 0 && a && b) {
		char x[512], y[512];

		return without_rls(x, sizeof(x), a->def) && without_rls(y, sizeof(y), b->def) &&
		       partition_only(x, y);
	}
	if (strcmp(k, "table") == 0)
		return 1;
	/* The diff's, with the default privileges of the schema; the schema's
	 * own privileges and comment are compared only when the model states
	 * some (vh_model_run.c). */
	if (strcmp(k, "schema privilege") == 0 || strcmp(k, "default privilege") == 0 ||
	    strcmp(k, "schema comment") == 0 || strcmp(k, "type privilege") == 0)
		return 1;
	if (strcmp(k, "privilege") == 0 || strcmp(k, "column privilege") == 0)
		return privilege_modelled(v, e);
	if (strcmp(k, "routine privilege") == 0 && privilege_modelled(v, e))
		return 1;
	if (strcmp(k, "column") == 0 || strcmp(k, "constraint") == 0 || strcmp(k, "index") == 0 ||
	    (strcmp(k, "trigger") == 0 && vh_inventory_modelled_kind(k)))
		return owner_modelled(v, e->name, strcspn(e->name, "."), 0);
	if (strcmp(k, "options") == 0) /* a view's are part of its definition */
		return owner_modelled(v, e->name, strlen(e->name), 0) &&
		       !owner_modelled(v, e->name, strlen(e->name), 1);
	if (strcmp(k, "comment") == 0)
		return comment_modelled(v, e->name);
	if (strcmp(k, "sequence") == 0 && (column_seq(e) || (a && b && column_seq(a)))) {
		/* A serial or identity column's comes and goes with it; a change
		 * of its options is not generated. */
		return !(a && b);
	}
	if (vh_inventory_modelled_kind(k))
		return 1;
	/* What every new type or routine is given, when it comes or goes. */
	if (!(a && b) && (strcmp(k, "type privilege") == 0 || strcmp(k, "routine privilege") == 0) &&
	    (strcmp(e->def, "USAGE") == 0 || strcmp(e->def, "EXECUTE") == 0))
		return default_grant(v, e, a ? v->to : v->from);
	return 0;
}

static void walk(void *ctx, const vh_catalog_entry *a, const vh_catalog_entry *b)
{
	inv *v = ctx;
	const vh_catalog_entry *e = a ? a : b;
	char *line;

	if (v->oom || modelled(v, a, b))
		return;
	if (v->n + 1 >= v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		char **grown = realloc(v->lines, cap * sizeof(char *));

		if (!grown) {
			v->oom = 1;
			return;
		}
		v->lines = grown;
		v->cap = cap;
	}
	if (asprintf(&line, "%s %s: %s -> %s", e->kind, e->name,
		     a ? (*a->def ? a->def : "(exists)") : "(none)",
		     b ? (*b->def ? b->def : "(exists)") : "(none)") < 0) {
		v->oom = 1;
		return;
	}
	v->lines[v->n++] = line;
	v->lines[v->n] = NULL;
}

int vh_inventory_unmodelled(char ***lines, size_t *n, const vh_catalog *from,
			    const vh_catalog *to)
{
	inv v = {0};

	v.from = from;
	v.to = to;
	vh_catalog_walk(from, to, walk, &v);
	if (v.oom || !(v.lines || (v.lines = calloc(1, sizeof(char *))))) {
		for (size_t i = 0; i < v.n; i++)
			free(v.lines[i]);
		free(v.lines);
		*lines = NULL;
		*n = 0;
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	*lines = v.lines;
	*n = v.n;
	return 0;
}
