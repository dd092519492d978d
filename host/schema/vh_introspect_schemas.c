/* vh_introspect_schemas.c - other schemas a model creates. The model runs
 * in a scratch schema of its own and may not put objects elsewhere, but it
 * may create (empty) schemas and comment on them: CREATE SCHEMA x, or
 * CREATE SCHEMA IF NOT EXISTS x when the database has x already (then only
 * a notice says so, vh_autogen_ext.c collects it). Those schemas become
 * VH_IOBJ_SCHEMA objects of the model's side, and of the database's side
 * when it has them, with the comment each side gives. A schema the model
 * does not name is no business of the diff: a database holds other
 * schemas (tenants, extensions', other applications'), and nothing tells
 * one a model stopped creating from those. */
#include "vh_introspect_schemas.h"

#include <stdlib.h>
#include <string.h>

#include "vh_db.h"
#include "vh_error.h"
#include "vh_introspect_int.h"

#define SCHEMA_ROWS                                                                        \
	"SELECT n.nspname::text, quote_ident(n.nspname), quote_literal(d.description)"      \
	" FROM pg_namespace n LEFT JOIN pg_description d ON d.objoid = n.oid"               \
	"  AND d.classoid = 'pg_namespace'::regclass AND d.objsubid = 0"

/* Every schema with its comment, before the model can change them. */
static const char q_before[] = SCHEMA_ROWS " WHERE n.nspname !~ '^pg_'"
					   " AND n.nspname <> 'information_schema'";

/* The schemas the model created ($1 the scratch one and $2 the target
 * aside) or named in a notice ($3, separated by \x1f), as they are now. */
static const char q_after[] = SCHEMA_ROWS " WHERE n.nspname <> $1 AND n.nspname <> $2"
					  " AND (n.xmin::text = (txid_current() % 4294967296)::text"
					  " OR n.nspname = ANY (string_to_array($3, chr(31))))";

/* See vh_introspect_schemas.h. */
int vh_schemas_before(PGresult **out, PGconn *conn)
{
	return vh_db_query(out, conn, "reading schemas", q_before, 0, NULL);
}

/* Appends schema `name` (quoted) with `comment` (a literal or NULL). */
static int add(vh_ischema *s, const char *name, const char *comment)
{
	vh_arena **a = (vh_arena **)&s->arena;
	vh_iobject *grown = realloc(s->objs, (s->nobjs + 1) * sizeof(*grown)), *o;
	char *create = NULL, *drop = NULL;
	int rc = 0;

	if (!grown)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	s->objs = grown;
	o = &s->objs[s->nobjs];
	memset(o, 0, sizeof(*o));
	o->kind = VH_IOBJ_SCHEMA;
	if (asprintf(&create, "CREATE SCHEMA %s", name) < 0)
		create = NULL;
	if (asprintf(&drop, "DROP SCHEMA %s", name) < 0)
		drop = NULL;
	if (!create || !drop || !(o->what = vh_arena_strndup(a, "SCHEMA", 6)) ||
	    !(o->name = vh_arena_strndup(a, name, strlen(name))) ||
	    !(o->def = vh_arena_strndup(a, "", 0)) ||
	    !(o->create = vh_arena_strndup(a, create, strlen(create))) ||
	    !(o->drop = vh_arena_strndup(a, drop, strlen(drop))) ||
	    (comment && !(o->comment = vh_arena_strndup(a, comment, strlen(comment)))))
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
	else
		s->nobjs++;
	free(create);
	free(drop);
	return rc;
}

/* See vh_introspect_schemas.h. */
int vh_schemas_add(vh_ischema *db, vh_ischema *want, PGconn *conn, const PGresult *before,
		   const char *scratch, const char *target, char *const *named, size_t nnamed)
{
	const char *params[3] = {scratch, target, NULL};
	char *joined = NULL, *p;
	size_t i, len = 1;
	PGresult *res;
	int rc, k, j;

	for (i = 0; i < nnamed; i++)
		len += strlen(named[i]) + 1;
	if (!(p = joined = calloc(1, len)))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	for (i = 0; i < nnamed; i++)
		p += sprintf(p, "%s%s", i ? "\x1f" : "", named[i]);
	params[2] = joined;
	rc = vh_db_query(&res, conn, "reading the model's schemas", q_after, 3, params);
	free(joined);
	if (rc < 0)
		return rc;
	for (k = 0; rc == 0 && k < PQntuples(res); k++) {
		const char *name = PQgetvalue(res, k, 1);

		rc = add(want, name, PQgetisnull(res, k, 2) ? NULL : PQgetvalue(res, k, 2));
		for (j = 0; rc == 0 && j < PQntuples(before); j++)
			if (strcmp(PQgetvalue(before, j, 0), PQgetvalue(res, k, 0)) == 0)
				rc = add(db, name,
					 PQgetisnull(before, j, 2) ? NULL : PQgetvalue(before, j, 2));
	}
	PQclear(res);
	vh_ischema_sort_objects(db);
	vh_ischema_sort_objects(want);
	return rc;
}
