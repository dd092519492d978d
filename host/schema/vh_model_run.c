/* vh_model_run.c - running autogenerate's model in its scratch schema.
 *
 * A model is unqualified and runs in a scratch schema, but a few statements
 * cannot be written without naming a schema: GRANT and REVOKE ... ON SCHEMA
 * s, GRANT ... ON ALL TABLES (SEQUENCES, FUNCTIONS, PROCEDURES, ROUTINES) IN
 * SCHEMA s, ALTER DEFAULT PRIVILEGES IN SCHEMA s, and COMMENT ON SCHEMA s
 * for the schema the model describes. A model writes the
 * target schema's name there, as its DBA would; vhost runs each such
 * statement with the scratch schema's name instead, rewritten through
 * PostgreSQL's own parser and deparser (libpg_query), and the rest of the
 * text as written, in one transaction. Another schema's name is refused
 * with the file and line: a model states its own schema only, and a grant
 * on another would land on the real one.
 *
 * A statement can still get past the parser (a GRANT run by a DO block, a
 * grammar newer than libpg_query's, which then leaves the text as it is):
 * the privileges of every schema and every default privilege outside the
 * scratch schema are read before the model and after it, and a model that
 * changed one is refused, naming it, rather than compared as if it had
 * not. */
#include "vh_model_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pg_query.h>
#include <pg_query.pb-c.h>

#include "vh_db.h"
#include "vh_error.h"

/* A statement of the model that runs rewritten. */
typedef struct vh_model_rewrite {
	size_t start, end; /* bytes of the model's text it replaces */
	size_t first;      /* byte of its first token, for messages */
	char *sql;
} rewrite;

typedef vh_model_plan plan;

/* See vh_model_run.h. */
void vh_model_plan_clear(vh_model_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].sql);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

/* "FILE:LINE" of the `nth` character (1-based) from the byte `off` of the
 * model's text on: the server counts an error's position in characters
 * of the text it was sent, which starts at `off`. */
static const char *where_at(const vh_model *m, size_t off, size_t nth)
{
	char pos[32];
	size_t chars = nth;

	for (size_t i = 0; i < off && i < m->len; i++)
		chars += ((unsigned char)m->text[i] & 0xc0) != 0x80;
	snprintf(pos, sizeof(pos), "%zu", chars);
	return vh_model_where(m, pos);
}

/* "FILE:LINE" of the byte `off` of the model's text. */
static const char *where_byte(const vh_model *m, size_t off)
{
	return where_at(m, off, 1);
}

/* The byte where the statement at [start, end) really starts: its first
 * token that is no comment, by PostgreSQL's scanner (comments and blanks
 * before it are part of the statement's span). */
static size_t first_token(const vh_model *m, size_t start, size_t end)
{
	char *text = strndup(m->text + start, end - start);
	PgQueryScanResult r;
	PgQuery__ScanResult *s;
	size_t at = start;

	if (!text)
		return start;
	r = pg_query_scan(text);
	if (!r.error && (s = pg_query__scan_result__unpack(NULL, r.pbuf.len, (void *)r.pbuf.data))) {
		for (size_t i = 0; i < s->n_tokens; i++)
			if (s->tokens[i]->token != PG_QUERY__TOKEN__SQL_COMMENT &&
			    s->tokens[i]->token != PG_QUERY__TOKEN__C_COMMENT) {
				at = start + (size_t)s->tokens[i]->start;
				break;
			}
		pg_query__scan_result__free_unpacked(s, NULL);
	}
	pg_query_free_scan_result(r);
	free(text);
	return at;
}

/* Points the schema names of `names` (String nodes) at `scratch`; refuses
 * any but `target`. `saved` keeps the parser's strings to put back. */
static int point(PgQuery__Node **names, size_t n, const char *target, const char *scratch,
		 char **saved, const char *what, const vh_model *m, size_t first)
{
	for (size_t i = 0; i < n; i++) {
		PgQuery__String *s = names[i]->node_case == PG_QUERY__NODE__NODE_STRING
					     ? names[i]->string
					     : NULL;

		if (!s)
			return vh_error_set(VH_ERR_GENERIC, "model %s: %s: unexpected name",
					    where_byte(m, first), what);
		if (strcmp(s->sval, target) != 0)
			return vh_error_set(VH_ERR_GENERIC,
					    "model %s: %s names schema \"%s\", not the model's own "
					    "(%s): a model states the privileges of its own schema "
					    "only; write the other in a revision by hand",
					    where_byte(m, first), what, s->sval, target);
		saved[i] = s->sval;
		s->sval = (char *)scratch;
	}
	return 0;
}

static void put_back(PgQuery__Node **names, size_t n, char **saved)
{
	for (size_t i = 0; i < n; i++)
		if (saved[i])
			names[i]->string->sval = saved[i];
}

/* The statement as SQL again, by libpg_query's deparser. */
static char *deparse(const PgQuery__ParseResult *tree, const PgQuery__RawStmt *stmt)
{
	PgQuery__RawStmt one = *stmt, *ones[1] = {&one};
	PgQuery__ParseResult res = *tree;
	PgQueryProtobuf pb;
	PgQueryDeparseResult d;
	char *sql = NULL;

	one.stmt_location = one.stmt_len = 0;
	res.n_stmts = 1;
	res.stmts = ones;
	pb.len = pg_query__parse_result__get_packed_size(&res);
	if (!(pb.data = malloc(pb.len ? pb.len : 1)))
		return NULL;
	pg_query__parse_result__pack(&res, (uint8_t *)pb.data);
	d = pg_query_deparse_protobuf(pb);
	if (!d.error && d.query)
		sql = strdup(d.query);
	pg_query_free_deparse_result(d);
	free(pb.data);
	return sql;
}

/* The schema names a statement holds, or NULL when it holds none that
 * matter: a GRANT on schemas or on all objects in schemas, an ALTER
 * DEFAULT PRIVILEGES' IN SCHEMA list (*adp set: it must have one), a
 * COMMENT ON SCHEMA naming `target` (other schemas' are those the model
 * creates, vh_introspect_schemas.c). *said: what it states about the
 * schema itself. */
static PgQuery__Node **schema_names(PgQuery__Node *n, const char *target, size_t *count,
				    unsigned *said, int *adp, const char **what)
{
	*count = 0;
	*said = 0;
	*adp = 0;
	if (n->node_case == PG_QUERY__NODE__NODE_COMMENT_STMT) {
		PgQuery__CommentStmt *c = n->comment_stmt;

		*what = "COMMENT ON SCHEMA";
		if (c->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA || !c->object ||
		    c->object->node_case != PG_QUERY__NODE__NODE_STRING ||
		    strcmp(c->object->string->sval, target) != 0)
			return NULL;
		*count = 1;
		*said = VH_MODEL_SCHEMA_COMMENT;
		return &c->object;
	}
	if (n->node_case == PG_QUERY__NODE__NODE_GRANT_STMT) {
		const PgQuery__GrantStmt *g = n->grant_stmt;

		*what = g->is_grant ? "GRANT" : "REVOKE";
		if (g->targtype == PG_QUERY__GRANT_TARGET_TYPE__ACL_TARGET_OBJECT &&
		    g->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA) {
			*said = VH_MODEL_SCHEMA_ACL;
			*count = g->n_objects;
			return g->objects;
		}
		if (g->targtype == PG_QUERY__GRANT_TARGET_TYPE__ACL_TARGET_ALL_IN_SCHEMA) {
			*count = g->n_objects;
			return g->objects;
		}
		return NULL;
	}
	if (n->node_case != PG_QUERY__NODE__NODE_ALTER_DEFAULT_PRIVILEGES_STMT)
		return NULL;
	*what = "ALTER DEFAULT PRIVILEGES";
	*adp = 1;
	for (size_t i = 0; i < n->alter_default_privileges_stmt->n_options; i++) {
		const PgQuery__Node *o = n->alter_default_privileges_stmt->options[i];

		if (o->node_case == PG_QUERY__NODE__NODE_DEF_ELEM &&
		    strcmp(o->def_elem->defname, "schemas") == 0 && o->def_elem->arg &&
		    o->def_elem->arg->node_case == PG_QUERY__NODE__NODE_LIST) {
			*count = o->def_elem->arg->list->n_items;
			return o->def_elem->arg->list->items;
		}
	}
	return NULL;
}

/* Appends the rewrite of statement `i` when it names a schema. */
static int plan_stmt(plan *p, const vh_model *m, PgQuery__ParseResult *tree,
		     size_t i, const char *target, const char *scratch)
{
	PgQuery__RawStmt *st = tree->stmts[i];
	size_t start = (size_t)st->stmt_location, end, count, first;
	unsigned said;
	int adp, rc;
	const char *what = NULL;
	PgQuery__Node **names;
	char **saved;
	rewrite *grown;

	end = st->stmt_len ? start + (size_t)st->stmt_len : m->len;
	if (!st->stmt || start > m->len || end > m->len)
		return 0;
	names = schema_names(st->stmt, target, &count, &said, &adp, &what);
	if (!names && !adp)
		return 0;
	first = first_token(m, start, end);
	if (!names || !count)
		return vh_error_set(VH_ERR_GENERIC,
				    "model %s: ALTER DEFAULT PRIVILEGES without IN SCHEMA changes the "
				    "defaults of the whole database: write IN SCHEMA %s",
				    where_byte(m, first), target);
	if (!(saved = calloc(count, sizeof(char *))))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	rc = point(names, count, target, scratch, saved, what, m, first);
	if (rc == 0) {
		char *sql = deparse(tree, st);

		if (!sql)
			rc = vh_error_set(VH_ERR_GENERIC, "model %s: cannot write this %s for the "
							  "scratch schema",
					  where_byte(m, first), what);
		else if (!(grown = realloc(p->v, (p->n + 1) * sizeof(*grown)))) {
			free(sql);
			rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		} else {
			p->v = grown;
			p->v[p->n++] = (rewrite){start, end, first, sql};
			p->said |= said;
		}
	}
	put_back(names, count, saved);
	free(saved);
	return rc;
}

/* See vh_model_run.h. A text libpg_query cannot parse has no rewrites:
 * the server runs it as written and says what is wrong, or the check
 * after the model catches what it did. */
int vh_model_plan_make(vh_model_plan *p, const vh_model *m, const char *target,
		       const char *scratch)
{
	static int registered;
	PgQueryProtobufParseResult r;
	PgQuery__ParseResult *tree;
	int rc = 0;

	memset(p, 0, sizeof(*p));
	/* libpg_query keeps a memory context per thread once it parsed, freed
	 * at exit (vh_lint_parse.c does the same). */
	if (!registered)
		registered = atexit(pg_query_exit) == 0;
	r = pg_query_parse_protobuf(m->text);
	if (r.error ||
	    !(tree = pg_query__parse_result__unpack(NULL, r.parse_tree.len, (void *)r.parse_tree.data))) {
		pg_query_free_protobuf_parse_result(r);
		return 0;
	}
	for (size_t i = 0; rc == 0 && i < tree->n_stmts; i++)
		rc = plan_stmt(p, m, tree, i, target, scratch);
	pg_query__parse_result__free_unpacked(tree, NULL);
	pg_query_free_protobuf_parse_result(r);
	if (rc < 0)
		vh_model_plan_clear(p);
	return rc;
}

/* ---------------------------------------------------------------------
 * Running it, and what it changed outside the scratch schema
 * --------------------------------------------------------------------- */

/* Privileges of every schema and every default privilege, but the scratch
 * schema's ($1), as (what, value) rows in order. */
static const char q_privileges[] =
	"SELECT 'the privileges of schema ' || quote_ident(n.nspname), coalesce(n.nspacl::text, '')"
	" FROM pg_namespace n WHERE n.nspname <> $1"
	" UNION ALL"
	" SELECT 'the default privileges of ' || quote_ident(pg_get_userbyid(d.defaclrole))"
	"  || ' on ' || CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences'"
	"  WHEN 'f' THEN 'routines' WHEN 'T' THEN 'types' ELSE 'schemas' END"
	"  || coalesce(' in schema ' || quote_ident(n.nspname), ' in the database'),"
	"  d.defaclacl::text"
	" FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace"
	" WHERE n.nspname IS DISTINCT FROM $1 ORDER BY 1";

/* The first privilege that differs between `before` and `after` (both
 * sorted by their first column), or NULL. A schema only `after` has is
 * one the model created: no change of an existing one. */
static const char *changed(const PGresult *before, const PGresult *after)
{
	int i = 0, j = 0, nb = PQntuples(before), na = PQntuples(after);

	while (i < nb || j < na) {
		int c = i == nb ? 1 : j == na ? -1
					       : strcmp(PQgetvalue(before, i, 0), PQgetvalue(after, j, 0));

		if (c < 0 || (c == 0 && strcmp(PQgetvalue(before, i, 1), PQgetvalue(after, j, 1)) != 0))
			return PQgetvalue(before, i, 0);
		if (c > 0 && strncmp(PQgetvalue(after, j, 0), "the privileges of schema ", 25) != 0)
			return PQgetvalue(after, j, 0);
		i += c <= 0;
		j += c >= 0;
	}
	return NULL;
}

/* Runs `sql`, the model's text from byte `at` on, or when `rewritten` the
 * statement whose first token is at byte `at`, which errors then name. */
static int run_piece(PGconn *conn, const vh_model *m, const char *sql, size_t at, int rewritten)
{
	PGresult *res = PQexec(conn, sql);
	ExecStatusType st = PQresultStatus(res);
	int rc = 0;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
		const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
		const char *pos = res ? PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION) : NULL;
		const char *where;

		if (rewritten)
			where = where_byte(m, at);
		else if (!pos)
			where = vh_model_where(m, NULL);
		else
			where = where_at(m, at, (size_t)strtoul(pos, NULL, 10));
		rc = vh_error_set(VH_ERR_GENERIC, "model %s: %s", where,
				  vh_db_oneline(msg ? msg : PQerrorMessage(conn)));
	}
	PQclear(res);
	return rc;
}

/* See vh_model_run.h. */
int vh_model_run(PGconn *conn, const vh_model *m, const vh_model_plan *p, const char *path,
		 const char *target, const char *scratch)
{
	const char *params[1] = {scratch};
	PGresult *before = NULL, *after = NULL;
	size_t at = 0, i;
	int rc;

	if ((rc = vh_db_query(&before, conn, "reading privileges", q_privileges, 1, params)) < 0)
		goto done;
	for (i = 0; rc == 0 && i <= p->n; i++) {
		size_t end = i < p->n ? p->v[i].start : m->len;

		if (end > at) {
			char *text = strndup(m->text + at, end - at);

			rc = text ? run_piece(conn, m, text, at, 0)
				  : vh_error_set(VH_ERR_NOMEM, "out of memory");
			free(text);
		}
		if (PQtransactionStatus(conn) == PQTRANS_IDLE)
			goto done; /* the model committed: the caller's to say */
		if (rc == 0 && i < p->n) {
			rc = run_piece(conn, m, p->v[i].sql, p->v[i].first, 1);
			at = p->v[i].end;
		}
	}
	if (rc < 0 || PQtransactionStatus(conn) == PQTRANS_IDLE)
		goto done;
	if ((rc = vh_db_query(&after, conn, "reading privileges", q_privileges, 1, params)) < 0)
		goto done;
	{
		const char *what = changed(before, after);

		if (what)
			rc = vh_error_set(VH_ERR_GENERIC,
					  "model %s changes %s, outside its scratch schema: write "
					  "GRANT/REVOKE ON SCHEMA %s and ALTER DEFAULT PRIVILEGES IN "
					  "SCHEMA %s as plain statements of the model (not in a DO "
					  "block), and nothing for other schemas",
					  path, what, target, target);
	}
done:
	PQclear(before);
	PQclear(after);
	return rc;
}
