/* vh_introspect.c - vh_introspect(): reads one schema for autogenerate
 * with the search_path set to it alone, so every text the server renders
 * names the schema's objects unqualified; and the lookups on the result. */
#include "vh_introspect.h"

#include <stdlib.h>
#include <string.h>

#include "vh_db.h"
#include "vh_error.h"
#include "vh_introspect_int.h"


/* `names` as a text[] literal: {"a","b\"c"}. Caller frees. */
static char *array_literal(const char *const *names)
{
	size_t len = 3, i;
	char *out, *p;

	for (i = 0; names && names[i]; i++)
		len += 2 * strlen(names[i]) + 3;
	if (!(p = out = malloc(len)))
		return NULL;
	*p++ = '{';
	for (i = 0; names && names[i]; i++) {
		const char *s;

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

/* Sets search_path to `value` (a server-side expression of $1), locally
 * when a transaction is open. The previous value goes into *old (caller
 * frees) when `old` is not NULL. */
static int set_path(PGconn *conn, const char *value, char **old)
{
	const char *params[2] = {value, PQtransactionStatus(conn) == PQTRANS_INTRANS ? "t" : "f"};
	PGresult *res;
	int rc;

	if (old) {
		if ((rc = vh_db_query(&res, conn, "reading search_path", "SHOW search_path", 0,
				      NULL)) < 0)
			return rc;
		*old = strdup(PQgetvalue(res, 0, 0));
		PQclear(res);
		if (!*old)
			return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	rc = vh_db_query(&res, conn, "setting search_path",
			 "SELECT set_config('search_path', $1, $2::boolean)", 2, params);
	if (rc == 0)
		PQclear(res);
	return rc;
}

/* See vh_introspect.h. */
int vh_introspect(vh_ischema **out, PGconn *conn, const char *schema,
		  const char *const *exclude)
{
	vh_ireader r = {0};
	char *excl = NULL, *old = NULL, *path = NULL;
	int rc;

	*out = NULL;
	if (!(r.s = calloc(1, sizeof(*r.s))) || !(excl = array_literal(exclude)) ||
	    !(path = PQescapeIdentifier(conn, schema, strlen(schema)))) {
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	r.conn = conn;
	r.params[0] = schema;
	r.params[1] = excl;
	if ((rc = set_path(conn, path, &old)) < 0)
		goto done;
	if ((rc = vh_ireader_tables(&r)) == 0 && (rc = vh_ireader_columns(&r)) == 0 &&
	    (rc = vh_ireader_constraints(&r)) == 0)
		if ((rc = vh_ireader_indexes(&r)) == 0)
			rc = vh_ireader_objects(&r);
	{
		/* Put the caller's search_path back even after a failure; when
		 * the transaction is aborted this fails too, and the rollback the
		 * caller must do restores it anyway. */
		int rc2 = PQtransactionStatus(conn) == PQTRANS_INERROR ? 0 : set_path(conn, old, NULL);

		if (rc == 0)
			rc = rc2;
	}
done:
	if (r.s)
		r.s->arena = r.arena;
	else
		vh_arena_free(r.arena);
	if (rc == 0)
		*out = r.s;
	else
		vh_ischema_free(r.s);
	free(r.by_oid);
	free(excl);
	free(old);
	if (path)
		PQfreemem(path);
	return rc;
}

/* See vh_introspect.h. */
void vh_ischema_free(vh_ischema *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->ntables; i++) {
		free(s->tables[i].cols);
		free(s->tables[i].cons);
		free(s->tables[i].idx);
	}
	free(s->tables);
	free(s->objs);
	vh_arena_free(s->arena);
	free(s);
}

/* See vh_introspect.h. */
const vh_itable *vh_ischema_table(const vh_ischema *s, const char *name)
{
	size_t lo = 0, hi = s->ntables;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->tables[mid].name, name);

		if (c == 0)
			return &s->tables[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
