/* vh_run_check.c - what the runner checks before it changes anything: an
 * interrupted non-transactional revision, and applied revisions whose
 * plugin changed since (drift). */
#include "vh_run_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_db.h"
#include "vh_error.h"

/* Sets *out to whether the history table exists yet. Returns 0 or the
 * server's error. */
int vh_run__history_exists(run *r, int *out)
{
	const char *params[1] = {r->t.ht};
	PGresult *res;
	int rc;

	rc = vh_db_query(&res, r->conn, "looking for the history table",
			 "SELECT to_regclass($1) IS NOT NULL", 1, params);
	if (rc < 0)
		return rc;
	*out = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return 0;
}

/* The indexes of the target schema that an interrupted CREATE INDEX
 * CONCURRENTLY left invalid (pg_index.indisvalid = false), as "a, b" in
 * `buf` ("" when none). A retry with IF NOT EXISTS would skip them and
 * leave them invalid for good. Best effort. */
static void invalid_indexes(run *r, char *buf, size_t len)
{
	const char *params[1] = {r->app->cfg->schema};
	PGresult *res;

	buf[0] = '\0';
	if (vh_db_query(&res, r->conn, "looking for invalid indexes",
			"SELECT string_agg(i.indexrelid::regclass::text, ', ' ORDER BY 1) FROM pg_index i "
			"JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = "
			"c.relnamespace WHERE NOT i.indisvalid AND n.nspname = $1",
			1, params) < 0) {
		vh_error_clear();
		return;
	}
	snprintf(buf, len, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
}

/* Refuses to run while an interrupted non-transactional revision is
 * unresolved: guessing whether it took effect could lose data. An index it
 * left invalid is named with the fix, and refused even with
 * --retry-interrupted. */
int vh_run__check_interrupted(run *r)
{
	PGresult *res;
	char *sql, invalid[512] = "", fix[700] = "";
	int rc;

	if (asprintf(&sql,
		     "SELECT revision, direction, to_char(started_at, 'YYYY-MM-DD HH24:MI:SS TZ'), "
		     "db_user, coalesce(client_host, '?') FROM %s WHERE attention ORDER BY id DESC LIMIT 1",
		     r->t.ht) < 0)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	rc = vh_db_query(&res, r->conn, "reading the history table", sql, 0, NULL);
	free(sql);
	if (rc < 0)
		return rc;
	/* Only when a revision was interrupted: nothing extra otherwise. */
	if (PQntuples(res) > 0)
		invalid_indexes(r, invalid, sizeof(invalid));
	if (PQntuples(res) > 0 && *invalid)
		snprintf(fix, sizeof(fix),
			 ". It left invalid index%s %s (pg_index.indisvalid = false): run DROP INDEX "
			 "CONCURRENTLY on %s before anything is retried",
			 strchr(invalid, ',') ? "es" : "", invalid, strchr(invalid, ',') ? "each" : "it");
	if (PQntuples(res) > 0 && (!r->o->retry_interrupted || *fix))
		rc = vh_error_set(VH_ERR_GENERIC,
				  "non-transactional revision %s (%s) was interrupted or failed part-way "
				  "(started %s by %s on %s), so the database may hold part of it. Check "
				  "the schema, then run 'vhost stamp %s' if it took effect (or stamp its "
				  "parent if it did not), or rerun with --retry-interrupted to run it again%s",
				  PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2),
				  PQgetvalue(res, 0, 3), PQgetvalue(res, 0, 4), PQgetvalue(res, 0, 0), fix);
	PQclear(res);
	return rc;
}

char *vh_run_applied_sha_sql(const vh_tables *t)
{
	char *sql;

	/* `vhost repair` rows (outcome 'repaired') record a newer hash. */
	if (asprintf(&sql,
		     "SELECT DISTINCT ON (revision) revision, plugin_sha256, "
		     "to_char(started_at, 'YYYY-MM-DD HH24:MI:SS TZ') FROM %s WHERE ((direction = "
		     "'upgrade' AND outcome = 'applied') OR outcome = 'repaired') AND plugin_sha256 IS "
		     "NOT NULL ORDER BY revision, id DESC",
		     t->ht) < 0)
		return NULL;
	return sql;
}

/* Refuses to run when an applied revision's plugin differs from the file
 * that was applied (SHA-256 in the history table). */
int vh_run__check_drift(run *r, const size_t *cur, size_t ncur)
{
	size_t count = vh_graph_count(r->g);
	unsigned char *applied;
	PGresult *res;
	char *sql, sha[65];
	int rc, i;

	if (r->o->ignore_drift || ncur == 0)
		return 0;
	if (!(sql = vh_run_applied_sha_sql(&r->t)))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	rc = vh_db_query(&res, r->conn, "reading the history table", sql, 0, NULL);
	free(sql);
	if (rc < 0)
		return rc;
	if (!(applied = calloc(count ? count : 1, 1))) {
		PQclear(res);
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	}
	vh_graph_mark_ancestors(r->g, cur, ncur, applied);
	/* Kept for the steps: a downgrade reverts these very revisions, and
	 * hashing each file twice was a tenth of its time. */
	r->shas = calloc(count ? count : 1, sizeof(*r->shas));
	for (i = 0; i < PQntuples(res) && rc == 0; i++) {
		long idx = vh_graph_find(r->g, PQgetvalue(res, i, 0));
		const vh_revision *rev;

		if (idx < 0 || !applied[idx])
			continue;
		rev = vh_graph_rev(r->g, (size_t)idx);
		if (vh_revision_sha256(rev, sha) < 0) {
			rc = VH_ERR_GENERIC;
			break;
		}
		if (r->shas)
			memcpy(r->shas[idx], sha, sizeof(sha));
		if (strcmp(sha, PQgetvalue(res, i, 1)) != 0)
			rc = vh_error_set(VH_ERR_GENERIC,
					  "revision %s was applied on %s from a plugin with SHA-256 %.12s..., "
					  "but %s now has %.12s...: the applied revision changed. Restore the "
					  "original plugin and write a new revision for the change, or rerun "
					  "with --ignore-drift if the change is harmless (or record the new file with "
					  "'vhost repair %s' once a person has checked it)",
					  rev->id, PQgetvalue(res, i, 2), PQgetvalue(res, i, 1), rev->path, sha,
					  rev->id);
	}
	free(applied);
	PQclear(res);
	return rc;
}


int vh_run_check_drift(vh_app *app, const size_t *cur, size_t ncur)
{
	static const vh_run_opts none = {0};
	run r = {0};
	int rc, exists = 0;

	r.app = app;
	r.o = &none;
	if ((rc = vh_app_graph(app, &r.g)) < 0 || (rc = vh_app_conn(app, &r.conn)) < 0 ||
	    (rc = vh_tables_init(&r.t, app->cfg)) < 0)
		return rc;
	if ((rc = vh_run__history_exists(&r, &exists)) == 0 && exists)
		rc = vh_run__check_drift(&r, cur, ncur);
	free(r.shas);
	vh_tables_clear(&r.t);
	return rc;
}
