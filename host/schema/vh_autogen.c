/* vh_autogen.c - autogenerate: loading the model into a scratch schema that
 * is rolled back, diffing it with the target schema, and writing the diff
 * as C code for a revision or as a list for `vhost check`. */
#include "vh_autogen.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vh_db.h"
#include "vh_error.h"
#include "vh_introspect.h"
#include "vh_tables.h"
#include "vh_template.h"

/* ---------------------------------------------------------------------
 * Reading the model
 * --------------------------------------------------------------------- */

/* The model's text, and where each file starts in it, for messages. */
typedef struct model {
	char *text;
	size_t len;
	char **files;  /* paths, in order */
	size_t *start; /* byte offset of each file in text */
	size_t nfiles;
} model;

/* Frees what model_read filled; a zeroed model is fine. */
static void model_clear(model *m)
{
	size_t i;

	for (i = 0; i < m->nfiles; i++)
		free(m->files[i]);
	free(m->files);
	free(m->start);
	free(m->text);
}

/* Appends the file at `path` (taking over `path`). */
static int model_add(model *m, char *path)
{
	FILE *f = fopen(path, "rb");
	char **files = realloc(m->files, (m->nfiles + 1) * sizeof(char *));
	size_t *start = files ? realloc(m->start, (m->nfiles + 1) * sizeof(size_t)) : NULL;
	char buf[65536];
	size_t got;
	int rc = 0;

	if (files)
		m->files = files;
	if (start)
		m->start = start;
	if (!f) {
		rc = vh_error_set(VH_ERR_USAGE, "cannot read the model %s: %s", path, strerror(errno));
		free(path);
		return rc;
	}
	if (!files || !start) {
		fclose(f);
		free(path);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	m->files[m->nfiles] = path;
	m->start[m->nfiles++] = m->len;
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0) {
		char *t = realloc(m->text, m->len + got + 2);

		if (!t) {
			rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
			break;
		}
		m->text = t;
		memcpy(m->text + m->len, buf, got);
		m->len += got;
	}
	if (rc == 0 && ferror(f))
		rc = vh_error_set(VH_ERR_USAGE, "cannot read the model %s: %s", path, strerror(errno));
	fclose(f);
	if (rc == 0 && m->text) {
		/* A file without a final newline must not glue its last line to
		 * the next file's first. */
		m->text[m->len++] = '\n';
		m->text[m->len] = '\0';
	}
	return rc;
}

/* qsort order of file names: bytewise, so 01_x.sql before 02_y.sql. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads a model file, or every *.sql of a model directory in name order. */
static int model_read(model *m, const char *path)
{
	struct stat st;
	DIR *dir;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, i;
	int rc = 0;

	memset(m, 0, sizeof(*m));
	if (stat(path, &st) != 0)
		return vh_error_set(VH_ERR_USAGE, "cannot read the model %s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		char *p = strdup(path);

		rc = p ? model_add(m, p) : vh_error_set(VH_ERR_NOMEM, "out of memory");
	} else if (!(dir = opendir(path))) {
		rc = vh_error_set(VH_ERR_USAGE, "cannot read the model %s: %s", path, strerror(errno));
	} else {
		while (rc == 0 && (e = readdir(dir))) {
			size_t len = strlen(e->d_name);
			char **grown;

			if (len < 5 || strcmp(e->d_name + len - 4, ".sql") != 0 || e->d_name[0] == '.')
				continue;
			if (!(grown = realloc(names, (n + 1) * sizeof(char *))) ||
			    asprintf(&grown[n], "%s/%s", path, e->d_name) < 0) {
				if (grown)
					names = grown;
				rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
				break;
			}
			names = grown;
			n++;
		}
		closedir(dir);
		if (n)
			qsort(names, n, sizeof(char *), cmp_str);
		for (i = 0; i < n; i++) {
			if (rc == 0)
				rc = model_add(m, names[i]);
			else
				free(names[i]);
		}
		free(names);
		if (rc == 0 && n == 0)
			rc = vh_error_set(VH_ERR_USAGE, "the model directory %s holds no *.sql file", path);
	}
	if (rc == 0 && !m->text)
		rc = vh_error_set(VH_ERR_USAGE, "the model %s is empty", path);
	return rc;
}

/* "FILE:LINE" for a 1-based character position in the model's text (the
 * server's error position counts characters, not bytes), or the first
 * file's name when there is no position. Static buffer. */
static const char *model_where(const model *m, const char *position)
{
	static char buf[1100];
	long chars = position ? strtol(position, NULL, 10) : 0;
	size_t off = 0, f = 0, line = 1, i;

	if (chars <= 0 || !m->nfiles) {
		snprintf(buf, sizeof(buf), "%s", m->nfiles ? m->files[0] : "");
		return buf;
	}
	for (; off < m->len; off++)
		if (((unsigned char)m->text[off] & 0xc0) != 0x80 && --chars == 0)
			break;
	while (f + 1 < m->nfiles && m->start[f + 1] <= off)
		f++;
	for (i = m->start[f]; i < off; i++)
		line += m->text[i] == '\n';
	snprintf(buf, sizeof(buf), "%s:%zu", m->files[f], line);
	return buf;
}

/* ---------------------------------------------------------------------
 * The scratch schema
 * --------------------------------------------------------------------- */

/* Relations outside the scratch schema that this transaction created or
 * changed: the model was not as unqualified as it must be. */
static const char q_leaks[] =
	"SELECT string_agg(quote_ident(n.nspname) || '.' || quote_ident(c.relname), ', ')"
	" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	" WHERE c.xmin::text = (txid_current() % 4294967296)::text"
	" AND n.nspname <> $1 AND n.nspname NOT LIKE 'pg\\_%'";

/* Marks SET NOT NULL operations on columns that hold NULLs right now. */
static int check_nulls(PGconn *conn, const char *schema, vh_diff *up)
{
	char *qs = PQescapeIdentifier(conn, schema, strlen(schema)), *sql;
	PGresult *res;
	size_t i;
	int rc = 0;

	if (!qs)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	for (i = 0; rc == 0 && i < up->nops; i++) {
		vh_op *op = &up->ops[i];

		if (op->kind != VH_OP_MODIFY_NULLABLE || !strstr(op->sql, " SET NOT NULL"))
			continue;
		if (asprintf(&sql, "SELECT EXISTS (SELECT 1 FROM %s.%s WHERE %s IS NULL)", qs,
			     op->table, op->object) < 0) {
			rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
			break;
		}
		rc = vh_db_query(&res, conn, "looking for NULLs", sql, 0, NULL);
		free(sql);
		if (rc == 0 && PQgetvalue(res, 0, 0)[0] == 't')
			rc = vh_op_add_review(op, "The column holds NULLs in the database now: as "
						  "written, this statement fails.");
		if (rc == 0)
			PQclear(res);
	}
	PQfreemem(qs);
	return rc;
}

/* See vh_autogen.h. One transaction, always rolled back (or, when the
 * model committed it, its scratch schema dropped). */
int vh_autogen_diff(vh_diff **up, vh_diff **down, PGconn *conn, const char *schema,
		    const char *model_path, const char *const *exclude)
{
	vh_ischema *db = NULL, *want = NULL;
	char scratch[64], *qscratch = NULL, *sql = NULL;
	const char *params[1] = {scratch};
	PGresult *res = NULL;
	model m;
	int rc, open = 0;

	*up = *down = NULL;
	if ((rc = model_read(&m, model_path)) < 0)
		goto done;
	snprintf(scratch, sizeof(scratch), "vhost_model_%d", PQbackendPID(conn));
	/* A session-level SET, undone by the ROLLBACK like the rest: should the
	 * model COMMIT, what follows still lands in the scratch schema, which
	 * then goes as a whole. */
	if (!(qscratch = PQescapeIdentifier(conn, scratch, strlen(scratch))) ||
	    asprintf(&sql, "CREATE SCHEMA %s; SELECT set_config('search_path', '%s, public', false)",
		     qscratch, qscratch) < 0) {
		sql = NULL;
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((rc = vh_db_exec(conn, "starting the model's transaction", "BEGIN")) < 0)
		goto done;
	open = 1;
	/* The target first: whatever the model does cannot show in it. */
	if ((rc = vh_introspect(&db, conn, schema, exclude)) < 0 ||
	    (rc = vh_db_exec(conn, "creating the model's scratch schema", sql)) < 0)
		goto done;
	res = PQexec(conn, m.text);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK &&
	    PQresultStatus(res) != PGRES_EMPTY_QUERY) {
		const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

		rc = vh_error_set(VH_ERR_GENERIC, "model %s: %s",
				  model_where(&m, res ? PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION)
						      : NULL),
				  vh_db_oneline(msg ? msg : PQerrorMessage(conn)));
	}
	PQclear(res);
	res = NULL;
	if (PQtransactionStatus(conn) == PQTRANS_IDLE) {
		/* A COMMIT in the model made the scratch schema permanent. */
		free(sql);
		if (asprintf(&sql, "DROP SCHEMA IF EXISTS %s CASCADE; RESET search_path", qscratch) < 0)
			sql = NULL;
		else
			PQclear(PQexec(conn, sql));
		open = 0;
		if (rc == 0)
			rc = vh_error_set(VH_ERR_GENERIC,
					  "model %s ends the transaction it runs in (COMMIT or "
					  "ROLLBACK): a model holds DDL only",
					  model_path);
	}
	if (rc < 0)
		goto done;
	if ((rc = vh_db_query(&res, conn, "checking the model stayed in its schema", q_leaks, 1,
			      params)) < 0)
		goto done;
	if (!PQgetisnull(res, 0, 0)) {
		rc = vh_error_set(VH_ERR_GENERIC,
				  "model %s creates or changes objects outside its scratch schema "
				  "(%s): write it unqualified",
				  model_path, PQgetvalue(res, 0, 0));
		goto done;
	}
	PQclear(res);
	res = NULL;
	if ((rc = vh_introspect(&want, conn, scratch, exclude)) < 0)
		goto done;
	if ((rc = vh_diff_compute(up, db, want)) < 0 || (rc = vh_diff_compute(down, want, db)) < 0)
		goto done;
	rc = check_nulls(conn, schema, *up);
done:
	PQclear(res);
	if (open)
		PQclear(PQexec(conn, "ROLLBACK"));
	if (rc < 0) {
		vh_diff_free(*up);
		vh_diff_free(*down);
		*up = *down = NULL;
	}
	vh_ischema_free(db);
	vh_ischema_free(want);
	if (qscratch)
		PQfreemem(qscratch);
	free(sql);
	model_clear(&m);
	return rc;
}

/* See vh_autogen.h. */
int vh_autogen_app_diff(vh_app *app, vh_diff **up, vh_diff **down)
{
	const vh_config *cfg = app->cfg;
	const char *exclude[3] = {NULL, NULL, NULL};
	size_t n = 0;
	PGconn *conn;
	int rc;

	*up = *down = NULL;
	if (!cfg->model)
		return vh_error_set(VH_ERR_USAGE,
				    "no model configured: set `model` in the [vhost] section of "
				    "vhost.ini to the SQL file (or directory) describing the schema");
	if ((rc = vh_app_conn(app, &conn)) < 0)
		return rc;
	/* vhost's own tables are no part of any model. */
	if (!cfg->version_table_schema || strcmp(cfg->version_table_schema, cfg->schema) == 0)
		exclude[n++] = cfg->version_table;
	exclude[n++] = cfg->history_table;
	return vh_autogen_diff(up, down, conn, cfg->schema, cfg->model, exclude);
}

/* ---------------------------------------------------------------------
 * Writing C
 * --------------------------------------------------------------------- */

typedef struct buf {
	char *s;
	size_t len, cap;
	int oom;
} buf;

/* Appends printf output to `b`; on failure only sets b->oom, so a caller
 * checks once at the end. */
static void put(buf *b, const char *f, ...) __attribute__((format(printf, 2, 3)));
static void put(buf *b, const char *f, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	va_start(ap, f);
	n = vsnprintf(NULL, 0, f, ap);
	va_end(ap);
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *s;

		while (cap < b->len + (size_t)n + 1)
			cap *= 2;
		if (!(s = realloc(b->s, cap))) {
			b->oom = 1;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
	va_start(ap, f);
	vsnprintf(b->s + b->len, b->cap - b->len, f, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* A comment of `text` wrapped at about 76 columns, each line starting with
 * a tab and a comment opener or " * ". The text cannot end the comment
 * early. */
static void put_comment(buf *b, const char *text)
{
	const char *p = text;
	int first = 1;

	while (*p) {
		size_t n = strlen(p), cut = n;

		if (n > 68) {
			cut = 68;
			while (cut > 20 && p[cut] != ' ')
				cut--;
			if (p[cut] != ' ')
				cut = 68;
		}
		put(b, "\t%s", first ? "/* " : " * ");
		for (size_t i = 0; i < cut; i++) {
			if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
				put(b, " ");
			else if (p[i] == '?' && p[i + 1] == '?')
				put(b, "? "); /* no trigraph, not even in a comment */
			else if (p[i] == '*' && p[i + 1] == '/')
				put(b, "* ");
			else if (p[i] == '/' && p[i + 1] == '*')
				put(b, "/ ");
			else
				put(b, "%c", p[i]);
		}
		p += cut;
		while (*p == ' ')
			p++;
		put(b, "%s", *p ? "\n" : " */\n");
		first = 0;
	}
}

/* `sql` as a C string literal, one piece per line of SQL, continuing
 * lines indented under the first. */
static void put_literal(buf *b, const char *sql, const char *indent)
{
	const char *p = sql;

	do {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
		char *piece = strndup(p, n), *esc = piece ? vh_template_c_string(piece) : NULL;

		if (!esc)
			b->oom = 1;
		else
			put(b, "%s\"%s\"", p == sql ? "" : indent, esc);
		free(piece);
		free(esc);
		p += n;
		if (*p)
			put(b, "\n");
	} while (*p);
}

/* One function body for `d`. */
static char *render_body(const vh_diff *d, const char *source, const char *direction)
{
	buf b = {0};
	size_t i, reviews = 0;

	for (i = 0; i < d->nops; i++)
		reviews += d->ops[i].review != NULL;
	if (!d->nops) {
		put(&b, "\t/* vhost autogenerate: no changes detected against %s. */\n"
			"\t(void)ctx;\n\treturn 0;",
		    source);
		return b.oom ? (free(b.s), NULL) : b.s;
	}
	put(&b, "\tint rc;\n\n");
	{
		char *head;

		if (asprintf(&head,
			     "Generated by vhost autogenerate from %s (%s, %zu operation%s%s). "
			     "A candidate: read it before running it%s.",
			     source, direction, d->nops, d->nops == 1 ? "" : "s",
			     reviews ? ", some marked REVIEW" : "",
			     reviews ? ", above all the REVIEW notes" : "") < 0)
			return NULL;
		put_comment(&b, head);
		free(head);
	}
	for (i = 0; i < d->nops; i++) {
		const vh_op *op = &d->ops[i];
		char *what = vh_op_describe(op), *note = NULL;

		put(&b, "\n");
		if (!what) {
			b.oom = 1;
			break;
		}
		if (op->review && asprintf(&note, "%s. REVIEW: %s", what, op->review) < 0)
			b.oom = 1;
		put_comment(&b, note ? note : what);
		free(note);
		free(what);
		put(&b, "\tif ((rc = vh_exec(ctx, ");
		put_literal(&b, op->sql, "\t\t\t  ");
		put(&b, ")) != 0)\n\t\treturn rc;\n");
	}
	put(&b, "\treturn 0;");
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

/* See vh_autogen.h. */
int vh_autogen_render(char **up_body, char **down_body, const vh_diff *up,
		      const vh_diff *down, const char *source)
{
	*up_body = render_body(up, source, "upgrade");
	*down_body = *up_body ? render_body(down, source, "downgrade") : NULL;
	if (!*down_body) {
		free(*up_body);
		*up_body = NULL;
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	return 0;
}

/* See vh_autogen.h. */
void vh_autogen_print(FILE *out, const vh_diff *d)
{
	size_t i;

	for (i = 0; i < d->nops; i++) {
		char *what = vh_op_describe(&d->ops[i]);

		fprintf(out, "  %s\n", what ? what : vh_op_name(d->ops[i].kind));
		free(what);
	}
}

/* The version table must hold exactly `parents`: the diff is only the new
 * revision's work when the database is where the revision starts. */
static int require_at(vh_app *app, const char *const *parents, size_t nparents)
{
	char **ids = NULL;
	size_t n = 0, i, j;
	vh_tables t;
	PGconn *conn;
	int rc;

	if ((rc = vh_app_conn(app, &conn)) < 0 || (rc = vh_tables_init(&t, app->cfg)) < 0)
		return rc;
	rc = vh_tables_read_versions(conn, &t, &ids, &n);
	vh_tables_clear(&t);
	for (i = 0; rc == 0 && i < nparents; i++) {
		for (j = 0; j < n && strcmp(ids[j], parents[i]) != 0; j++)
			;
		if (j == n)
			rc = vh_error_set(VH_ERR_GENERIC,
					  "Target database is not up to date: it is not at %s, which "
					  "the new revision revises (run 'vhost upgrade %s')",
					  parents[i], parents[i]);
	}
	if (rc == 0 && n != nparents)
		rc = vh_error_set(VH_ERR_GENERIC, "Target database is not up to date.");
	vh_strv_free(ids);
	return rc;
}

/* See vh_autogen.h. */
int vh_autogen_bodies(vh_app *app, const char *const *parents, size_t nparents,
		      char **up_body, char **down_body)
{
	vh_diff *up = NULL, *down = NULL;
	const char *source;
	size_t i;
	int rc;

	*up_body = *down_body = NULL;
	if (!app->cfg->model)
		return vh_autogen_app_diff(app, &up, &down); /* the "no model" error */
	if ((rc = require_at(app, parents, nparents)) < 0 ||
	    (rc = vh_autogen_app_diff(app, &up, &down)) < 0)
		goto done;
	for (i = 0; i < up->nops; i++) {
		char *what = vh_op_describe(&up->ops[i]);

		vh_app_info(app, "Detected %s", what ? what : vh_op_name(up->ops[i].kind));
		free(what);
	}
	if (!up->nops)
		vh_app_info(app, "No changes in schema detected.");
	/* The model as configured, relative to the ini file when inside it. */
	source = app->cfg->model;
	if (app->cfg->dir && strncmp(source, app->cfg->dir, strlen(app->cfg->dir)) == 0 &&
	    source[strlen(app->cfg->dir)] == '/')
		source += strlen(app->cfg->dir) + 1;
	rc = vh_autogen_render(up_body, down_body, up, down, source);
done:
	vh_diff_free(up);
	vh_diff_free(down);
	return rc;
}
