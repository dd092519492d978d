/* vh_lint_parse.c - a revision's script into statements, with PostgreSQL's
 * own parser (libpg_query). Nothing here splits or reads SQL by hand: the
 * parser knows dollar quotes, comments and BEGIN ATOMIC bodies, and when the
 * script as a whole does not parse, PostgreSQL's scanner splits it so each
 * statement is parsed (and refused) alone. */
#include "vh_lint_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_error.h"

/* The statement at [loc, loc+len) of `sql` (len 0: to the end), with the
 * whitespace around it cut. NULL when out of memory. */
static char *slice(const char *sql, int loc, int len)
{
	size_t n = strlen(sql), a = (size_t)loc, b;
	char *out;

	if (a > n)
		a = n;
	b = len > 0 && a + (size_t)len <= n ? a + (size_t)len : n;
	while (a < b && isspace((unsigned char)sql[a]))
		a++;
	while (b > a && (isspace((unsigned char)sql[b - 1]) || sql[b - 1] == ';'))
		b--;
	if (!(out = malloc(b - a + 1)))
		return NULL;
	memcpy(out, sql + a, b - a);
	out[b - a] = '\0';
	return out;
}

/* Parses `sql` into a tree: 0 with *out set, 1 with *err (malloc'd) when the
 * grammar refuses it, VH_ERR_NOMEM. */
static int parse_one(const char *sql, PgQuery__ParseResult **out, char **err)
{
	PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql);
	int rc = 0;

	*out = NULL;
	if (r.error) {
		if (asprintf(err, "%s (at character %d)", r.error->message, r.error->cursorpos) < 0) {
			*err = NULL;
			rc = VH_ERR_NOMEM;
		} else {
			rc = 1;
		}
	} else if (!(*out = pg_query__parse_result__unpack(NULL, r.parse_tree.len,
							     (const uint8_t *)r.parse_tree.data))) {
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory unpacking a parse tree");
	}
	pg_query_free_protobuf_parse_result(r);
	return rc;
}

static int push(vh_lint_sql *s, PgQuery__Node *node, char *text, char *error)
{
	vh_lint_stmt *v = realloc(s->stmts, (s->n + 1) * sizeof(*v));

	if (!v || !text) {
		free(text);
		free(error);
		if (v)
			s->stmts = v;
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	s->stmts = v;
	v[s->n].node = node;
	v[s->n].text = text;
	v[s->n].error = error;
	s->n++;
	return 0;
}

/* Adds every statement of a parsed piece that starts at `base` in `sql`. */
static int push_tree(vh_lint_sql *s, const char *sql, PgQuery__ParseResult *t, int base)
{
	size_t i;
	int rc;

	for (i = 0; i < t->n_stmts; i++) {
		PgQuery__RawStmt *raw = t->stmts[i];

		if ((rc = push(s, raw->stmt, slice(sql, base + raw->stmt_location, raw->stmt_len),
			       NULL)) < 0)
			return rc;
	}
	return 0;
}

/* The fallback: PostgreSQL's scanner splits the script, each piece parses
 * alone, and the pieces the grammar refuses become statements with an
 * error. */
static int parse_pieces(vh_lint_sql *s, const char *sql)
{
	PgQuerySplitResult sp = pg_query_split_with_scanner(sql);
	int i, rc = 0;

	if (sp.error) {
		char *msg = NULL, *text = strdup(sql);

		if (asprintf(&msg, "%s (at character %d)", sp.error->message, sp.error->cursorpos) < 0)
			msg = NULL;
		rc = push(s, NULL, text, msg);
		goto done;
	}
	if (!(s->pieces = calloc((size_t)sp.n_stmts + 1, sizeof(*s->pieces)))) {
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < sp.n_stmts && rc == 0; i++) {
		char *piece = slice(sql, sp.stmts[i]->stmt_location, sp.stmts[i]->stmt_len);
		PgQuery__ParseResult *t = NULL;
		char *err = NULL;
		int prc;

		if (!piece) {
			rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
			break;
		}
		prc = parse_one(piece, &t, &err);
		if (prc < 0) {
			rc = prc;
		} else if (prc == 1) {
			rc = push(s, NULL, piece, err);
			piece = NULL;
		} else {
			s->pieces[s->npieces++] = t;
			rc = push_tree(s, piece, t, 0);
		}
		free(piece);
	}
done:
	pg_query_free_split_result(sp);
	return rc;
}

int vh_lint_parse(vh_lint_sql *out, const char *sql)
{
	static int registered;
	char *err = NULL;
	int rc;

	/* libpg_query keeps a memory context for the thread once it parsed;
	 * it goes at exit, so a leak check sees none (freeing it earlier
	 * would leave the library pointing at freed memory). */
	if (!registered)
		registered = atexit(pg_query_exit) == 0;
	memset(out, 0, sizeof(*out));
	rc = parse_one(sql, &out->tree, &err);
	free(err);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return push_tree(out, sql, out->tree, 0);
	return parse_pieces(out, sql);
}

void vh_lint_sql_clear(vh_lint_sql *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->stmts[i].text);
		free(s->stmts[i].error);
	}
	free(s->stmts);
	if (s->tree)
		pg_query__parse_result__free_unpacked(s->tree, NULL);
	for (i = 0; i < s->npieces; i++)
		pg_query__parse_result__free_unpacked(s->pieces[i], NULL);
	free(s->pieces);
	memset(s, 0, sizeof(*s));
}

const char *vh_lint_name_last(PgQuery__Node **items, size_t n)
{
	if (n == 0 || !items[n - 1] || items[n - 1]->node_case != PG_QUERY__NODE__NODE_STRING)
		return "";
	return items[n - 1]->string->sval;
}

/* The generic walk goes through protobuf-c's descriptors, so it sees every
 * node type of the grammar without a case per type. In a oneof (a Node's
 * one member) only the field whose number is the case is set. */
int vh_lint_walk(const ProtobufCMessage *m, int (*fn)(const ProtobufCMessage *m, void *user),
		 void *user)
{
	const ProtobufCMessageDescriptor *d;
	unsigned i;
	int rc;

	if (!m)
		return 0;
	if ((rc = fn(m, user)) != 0)
		return rc;
	d = m->descriptor;
	for (i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const char *base = (const char *)m;

		if (f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
		    *(const uint32_t *)(base + f->quantifier_offset) != f->id)
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t k, n = *(const size_t *)(base + f->quantifier_offset);
			ProtobufCMessage *const *v = *(ProtobufCMessage *const *const *)(base + f->offset);

			for (k = 0; k < n; k++)
				if ((rc = vh_lint_walk(v[k], fn, user)) != 0)
					return rc;
		} else if ((rc = vh_lint_walk(*(ProtobufCMessage *const *)(base + f->offset), fn,
					      user)) != 0) {
			return rc;
		}
	}
	return 0;
}
