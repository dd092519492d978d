/* vh_catalog.c - reading one schema's catalog into sorted (kind, name,
 * definition) entries, and diffing two of them. The definitions come from
 * PostgreSQL's own deparsers (format_type, pg_get_constraintdef,
 * pg_get_indexdef, ...), so they read like DDL and change exactly when the
 * object does. */
#include "vh_catalog.h"

#include <stdlib.h>
#include <string.h>

#include "vh_db.h"
#include "vh_error.h"

struct vh_catalog {
	vh_catalog_entry *v; /* each entry's three strings share one malloc'd block at v[i].kind */
	size_t n, cap;
};

#include "vh_catalog_int.h"

/* ---------------------------------------------------------------------
 * Entries
 * --------------------------------------------------------------------- */

/* Sort rank of a kind: a table's own line first, then what hangs off it. */
static int kind_rank(const char *kind)
{
	static const char *const order[] = {
		"table", "view", "materialized view", "foreign table", "sequence", "column",
		"constraint", "index", "trigger", "policy", "comment",
	};
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(*order); i++)
		if (strcmp(kind, order[i]) == 0)
			return (int)i;
	return (int)(sizeof(order) / sizeof(*order));
}

/* The length of the name of the table an entry belongs to ("users" in
 * "users.email"), or of its whole name for an object of its own. */
static size_t owner_len(const vh_catalog_entry *e, int rank)
{
	return rank >= kind_rank("column") && rank <= kind_rank("comment") ? strcspn(e->name, ".")
									    : strlen(e->name);
}

/* Orders entries by the table they belong to, then kind, then name: a
 * table's line, its columns, constraints, indexes, ... read together. */
static int entry_cmp(const vh_catalog_entry *a, const vh_catalog_entry *b)
{
	int ra = kind_rank(a->kind), rb = kind_rank(b->kind), c;
	size_t la = owner_len(a, ra), lb = owner_len(b, rb);

	if ((c = memcmp(a->name, b->name, la < lb ? la : lb)) != 0)
		return c;
	if (la != lb)
		return la < lb ? -1 : 1;
	if (ra != rb)
		return ra - rb;
	if ((c = strcmp(a->name, b->name)) != 0)
		return c;
	return strcmp(a->kind, b->kind);
}

static int entry_qsort(const void *a, const void *b)
{
	return entry_cmp(a, b);
}

/* Appends one entry, its three strings copied into one block. */
static int add_entry(vh_catalog *cat, const char *kind, const char *name, const char *def)
{
	size_t lk = strlen(kind) + 1, ln = strlen(name) + 1, ld = strlen(def) + 1;
	char *block;

	if (cat->n == cat->cap) {
		size_t cap = cat->cap ? cat->cap * 2 : 64;
		vh_catalog_entry *v = realloc(cat->v, cap * sizeof(*v));

		if (!v)
			return vh_error_set(VH_ERR_NOMEM, "out of memory");
		cat->v = v;
		cat->cap = cap;
	}
	if (!(block = malloc(lk + ln + ld)))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	memcpy(block, kind, lk);
	memcpy(block + lk, name, ln);
	memcpy(block + lk + ln, def, ld);
	cat->v[cat->n].kind = block;
	cat->v[cat->n].name = block + lk;
	cat->v[cat->n].def = block + lk + ln;
	cat->n++;
	return 0;
}

/* The exclude list as a text[] literal: {"a","b"} with " and \ escaped.
 * Caller frees. */
static char *array_literal(const char *const *names)
{
	size_t len = 3, i;
	char *out, *p;
	const char *s;

	for (i = 0; names && names[i]; i++)
		len += 2 * strlen(names[i]) + 3;
	if (!(out = p = malloc(len)))
		return NULL;
	*p++ = '{';
	for (i = 0; names && names[i]; i++) {
		if (i)
			*p++ = ',';
		*p++ = '"';
		for (s = names[i]; *s; s++) {
			if (*s == '"' || *s == '\\')
				*p++ = '\\';
			*p++ = *s;
		}
		*p++ = '"';
	}
	*p++ = '}';
	*p = '\0';
	return out;
}

/* ---------------------------------------------------------------------
 * Public functions
 * --------------------------------------------------------------------- */

int vh_catalog_snapshot(vh_catalog **out, PGconn *conn, const char *schema,
			const char *const *exclude)
{
	vh_catalog *cat = calloc(1, sizeof(*cat));
	char *excl = array_literal(exclude), *saved = NULL;
	const char *params[2] = {schema, excl};
	PGresult *res = NULL;
	size_t q;
	int rc = 0, i, path_set = 0;

	*out = NULL;
	if (!cat || !excl) {
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((rc = vh_db_query(&res, conn, "reading the catalog", "SELECT current_setting('search_path')",
			      0, NULL)) < 0)
		goto done;
	saved = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	res = NULL;
	if (!saved) {
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	/* Only the schema (pg_catalog is implicit): its objects print bare,
	 * everything else schema-qualified. */
	if ((rc = vh_db_query(&res, conn, "reading the catalog",
			      "SELECT set_config('search_path', quote_ident($1), false)", 1, params)) < 0)
		goto done;
	path_set = 1;
	PQclear(res);
	res = NULL;
	for (q = 0; q < vh_catalog_nsql && rc == 0; q++) {
		/* Not every query leaves tables out; PostgreSQL refuses unused parameters. */
		if ((rc = vh_db_query(&res, conn, "reading the catalog", vh_catalog_sql[q],
				      strstr(vh_catalog_sql[q], "$2") ? 2 : 1, params)) < 0)
			goto done;
		for (i = 0; i < PQntuples(res) && rc == 0; i++)
			rc = add_entry(cat, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
				       PQgetvalue(res, i, 2));
		PQclear(res);
		res = NULL;
	}
	if (rc == 0 && cat->n > 1)
		qsort(cat->v, cat->n, sizeof(*cat->v), entry_qsort);
done:
	if (path_set) {
		const char *back[1] = {saved};

		PQclear(PQexecParams(conn, "SELECT set_config('search_path', $1, false)", 1, NULL,
				     back, NULL, NULL, 0));
	}
	PQclear(res);
	free(saved);
	free(excl);
	if (rc < 0)
		vh_catalog_free(cat);
	else
		*out = cat;
	return rc;
}

void vh_catalog_free(vh_catalog *cat)
{
	size_t i;

	if (!cat)
		return;
	for (i = 0; i < cat->n; i++)
		free((char *)cat->v[i].kind);
	free(cat->v);
	free(cat);
}

void vh_catalog_drop_kind(vh_catalog *cat, const char *kind)
{
	size_t i, n = 0;

	for (i = 0; cat && i < cat->n; i++) {
		if (strcmp(cat->v[i].kind, kind) == 0)
			free((char *)cat->v[i].kind);
		else
			cat->v[n++] = cat->v[i];
	}
	if (cat)
		cat->n = n;
}

size_t vh_catalog_count(const vh_catalog *cat)
{
	return cat ? cat->n : 0;
}

const vh_catalog_entry *vh_catalog_get(const vh_catalog *cat, size_t i)
{
	return cat && i < cat->n ? &cat->v[i] : NULL;
}

const vh_catalog_entry *vh_catalog_find(const vh_catalog *cat, const char *kind,
					const char *name)
{
	vh_catalog_entry key = {kind, name, ""};

	if (!cat || !cat->n)
		return NULL;
	return bsearch(&key, cat->v, cat->n, sizeof(*cat->v), entry_qsort);
}

char *vh_catalog_text(const vh_catalog *cat)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	for (i = 0; cat && i < cat->n; i++)
		fprintf(f, "%s %s%s%s\n", cat->v[i].kind, cat->v[i].name, *cat->v[i].def ? ": " : "",
			cat->v[i].def);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

int vh_catalog_equal(const vh_catalog *a, const vh_catalog *b)
{
	return vh_catalog_diff(NULL, a, b, NULL) == 0;
}

/* One diff line: mark, kind, name and the definition(s). */
static void diff_line(FILE *out, const char *indent, char mark, const vh_catalog_entry *e,
		      const char *to)
{
	if (!out)
		return;
	fprintf(out, "%s%c %s %s", indent ? indent : "", mark, e->kind, e->name);
	if (to)
		fprintf(out, ": %s -> %s\n", *e->def ? e->def : "(none)", *to ? to : "(none)");
	else
		fprintf(out, "%s%s\n", *e->def ? ": " : "", e->def);
}

size_t vh_catalog_walk(const vh_catalog *a, const vh_catalog *b, vh_catalog_walk_fn fn, void *ctx)
{
	size_t i = 0, j = 0, na = vh_catalog_count(a), nb = vh_catalog_count(b), lines = 0;

	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : entry_cmp(&a->v[i], &b->v[j]);

		if (c < 0) {
			fn(ctx, &a->v[i++], NULL);
			lines++;
		} else if (c > 0) {
			fn(ctx, NULL, &b->v[j++]);
			lines++;
		} else {
			if (strcmp(a->v[i].def, b->v[j].def) != 0) {
				fn(ctx, &a->v[i], &b->v[j]);
				lines++;
			}
			i++;
			j++;
		}
	}
	return lines;
}

/* Where vh_catalog_diff writes. */
typedef struct diff_out {
	FILE *out;
	const char *indent;
} diff_out;

static void diff_walk(void *ctx, const vh_catalog_entry *a, const vh_catalog_entry *b)
{
	const diff_out *d = ctx;

	if (a && b)
		diff_line(d->out, d->indent, '~', a, b->def);
	else
		diff_line(d->out, d->indent, a ? '-' : '+', a ? a : b, NULL);
}

size_t vh_catalog_diff(FILE *out, const vh_catalog *a, const vh_catalog *b, const char *indent)
{
	diff_out d = {out, indent};

	return vh_catalog_walk(a, b, diff_walk, &d);
}

/* ---------------------------------------------------------------------
 * Row counts
 * --------------------------------------------------------------------- */

int vh_catalog_row_counts(char **out, PGconn *conn, const char *schema,
			  const char *const *exclude)
{
	char *excl = array_literal(exclude);
	const char *params[2] = {schema, excl};
	PGresult *res = NULL;
	size_t len = 0;
	FILE *f;
	int rc, i;

	*out = NULL;
	if (!excl)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	/* One round trip: query_to_xml runs each count inside this query. */
	rc = vh_db_query(&res, conn, "counting rows",
			 "SELECT c.relname, (xpath('/row/n/text()', query_to_xml(format("
			 "'SELECT count(*) AS n FROM ONLY %I.%I', n.nspname, c.relname), false, true,"
			 " '')))[1]::text"
			 " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
			 " WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')"
			 " AND c.relname <> ALL($2::text[])"
			 " ORDER BY c.relname COLLATE \"C\"",
			 2, params);
	free(excl);
	if (rc < 0)
		return rc;
	if (!(f = open_memstream(out, &len))) {
		PQclear(res);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < PQntuples(res); i++)
		fprintf(f, "%s %s\n", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1));
	PQclear(res);
	if (fclose(f) != 0) {
		free(*out);
		*out = NULL;
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	return 0;
}

/* Reads the "table count" line at *p into name/n and moves *p to the next
 * line; 0 at the end. */
static int next_count(const char **p, char *name, size_t size, long long *n)
{
	const char *line = *p, *sp, *nl;

	if (!line || !*line)
		return 0;
	nl = strchr(line, '\n');
	sp = memchr(line, ' ', nl ? (size_t)(nl - line) : strlen(line));
	if (!sp)
		return 0;
	snprintf(name, size, "%.*s", (int)(sp - line), line);
	*n = strtoll(sp + 1, NULL, 10);
	*p = nl ? nl + 1 : line + strlen(line);
	return 1;
}

size_t vh_catalog_row_counts_diff(FILE *out, const char *a, const char *b, const char *indent)
{
	char na[256], nb[256];
	long long ca = 0, cb = 0;
	int ha = next_count(&a, na, sizeof(na), &ca), hb = next_count(&b, nb, sizeof(nb), &cb);
	size_t lines = 0;

	indent = indent ? indent : "";
	/* Both lists are in the same (bytewise) order: a merge walk. */
	while (ha || hb) {
		int c = !ha ? 1 : !hb ? -1 : strcmp(na, nb);

		if (c < 0) {
			if (out)
				fprintf(out, "%s%s: %lld rows -> no table\n", indent, na, ca);
			lines++;
		} else if (c > 0) {
			if (out)
				fprintf(out, "%s%s: no table -> %lld rows\n", indent, nb, cb);
			lines++;
		} else if (ca != cb) {
			if (out)
				fprintf(out, "%s%s: %lld rows -> %lld rows\n", indent, na, ca, cb);
			lines++;
		}
		if (c <= 0)
			ha = next_count(&a, na, sizeof(na), &ca);
		if (c >= 0)
			hb = next_count(&b, nb, sizeof(nb), &cb);
	}
	return lines;
}
