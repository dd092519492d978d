/* vh_lint_size.c - how big a relation is, from the live catalog: the row
 * estimate (pg_class.reltuples) and the size on disk, for weighting lint
 * findings. One query per relation, cached for the run. */
#include "vh_lint_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_db.h"
#include "vh_error.h"

typedef struct entry {
	char *key; /* "schema\tname" */
	vh_lint_size size;
} entry;

struct vh_lint_sizer {
	PGconn *conn;
	char *path; /* '{schema,public}' as an array literal */
	entry *v;
	size_t n;
};

vh_lint_sizer *vh_lint_sizer_new(PGconn *conn, const char *schema)
{
	vh_lint_sizer *z = calloc(1, sizeof(*z));

	/* An array literal; a schema name from the settings holds no quote. */
	if (!z || asprintf(&z->path, "{\"%s\",public}", schema) < 0) {
		free(z);
		return NULL;
	}
	z->conn = conn;
	return z;
}

void vh_lint_sizer_free(vh_lint_sizer *z)
{
	size_t i;

	if (!z)
		return;
	for (i = 0; i < z->n; i++) {
		free(z->v[i].key);
		free(z->v[i].size.qualified);
	}
	free(z->v);
	free(z->path);
	free(z);
}

/* An index stands for its table: dropping or building one locks the table,
 * and the table's size is what the wait depends on. Unqualified names go
 * through the runner's search_path (schema, public), in that order. */
static const char size_sql[] =
	"WITH r AS (SELECT c.oid, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	"  WHERE c.relname = $1 AND CASE WHEN $2 = '' THEN n.nspname = ANY ($3::text[])"
	"  ELSE n.nspname = $2 END"
	"  ORDER BY array_position($3::text[], n.nspname::text) NULLS LAST LIMIT 1),"
	" t AS (SELECT COALESCE((SELECT i.indrelid FROM pg_index i WHERE i.indexrelid = r.oid), r.oid)"
	"  AS oid FROM r)"
	" SELECT c.reltuples::float8, pg_relation_size(c.oid), pg_total_relation_size(c.oid),"
	"  format('%I.%I', n.nspname, c.relname)"
	" FROM t JOIN pg_class c ON c.oid = t.oid JOIN pg_namespace n ON n.oid = c.relnamespace";

int vh_lint_sizer_get(vh_lint_sizer *z, const char *schema, const char *name,
		      const vh_lint_size **out)
{
	const char *params[3] = {name, schema ? schema : "", z->path};
	PGresult *res = NULL;
	char *key = NULL;
	entry *v;
	size_t i;
	int rc;

	if (asprintf(&key, "%s\t%s", params[1], name) < 0)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	for (i = 0; i < z->n; i++)
		if (strcmp(z->v[i].key, key) == 0) {
			free(key);
			*out = &z->v[i].size;
			return 0;
		}
	if ((rc = vh_db_query(&res, z->conn, "reading relation sizes for lint", size_sql, 3,
			      params)) < 0) {
		free(key);
		return rc;
	}
	if (!(v = realloc(z->v, (z->n + 1) * sizeof(*v)))) {
		PQclear(res);
		free(key);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	z->v = v;
	v = &z->v[z->n];
	memset(v, 0, sizeof(*v));
	v->key = key;
	if (PQntuples(res) == 1) {
		v->size.found = 1;
		v->size.rows = strtod(PQgetvalue(res, 0, 0), NULL);
		v->size.heap = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
		v->size.total = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
		v->size.qualified = strdup(PQgetvalue(res, 0, 3));
	}
	PQclear(res);
	z->n++;
	*out = &v->size;
	return 0;
}

int vh_lint_sizer_has_notnull_check(vh_lint_sizer *z, const char *schema, const char *table,
				    const char *column)
{
	static const char sql[] =
		"SELECT 1 FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
		" JOIN pg_namespace n ON n.oid = c.relnamespace"
		" WHERE c.relname = $1 AND CASE WHEN $2 = '' THEN n.nspname = ANY ($3::text[])"
		" ELSE n.nspname = $2 END AND k.contype = 'c' AND k.convalidated"
		" AND pg_get_constraintdef(k.oid) = format('CHECK ((%I IS NOT NULL))', $4::text)";
	const char *params[4] = {table, schema ? schema : "", z->path, column};
	PGresult *res = NULL;
	int found;

	if (vh_db_query(&res, z->conn, "reading check constraints for lint", sql, 4, params) < 0)
		return 0;
	found = PQntuples(res) > 0;
	PQclear(res);
	return found;
}
