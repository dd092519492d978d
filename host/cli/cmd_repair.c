/* cmd_repair.c - `vhost repair [REV...]`, as Flyway's repair: once a person
 * has checked, records the current SHA-256 of applied revisions whose
 * plugin changed (all, or those named), so a harmless rebuild stops
 * tripping the drift check, and clears stale in_progress markers. Every
 * change is a history row (direction 'repair', outcome 'repaired'), made
 * in one transaction under the migration lock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_cmd.h"
#include "vh_db.h"
#include "vh_error.h"
#include "vh_loader.h"
#include "vh_lock.h"
#include "vh_run.h"
#include "vh_sdk_host.h"
#include "vh_spec.h"
#include "vh_tables.h"

/* A history table made before `repair` existed has CHECKs without its
 * direction and outcome: widen them (a rare command, so the cost of the
 * ALTER is paid here, never by upgrade). */
static int widen_checks(PGconn *conn, const vh_tables *t)
{
	char *lit = vh_quote_literal(t->ht), *sql = NULL;
	int rc;

	if (!lit || asprintf(&sql,
			     "DO $vh$ DECLARE c record; BEGIN\n"
			     "FOR c IN SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass\n"
			     "  AND contype = 'c' AND pg_get_constraintdef(oid) ~ '(direction|outcome)'\n"
			     "  AND pg_get_constraintdef(oid) !~ 'repair' LOOP\n"
			     "  EXECUTE format('ALTER TABLE %%s DROP CONSTRAINT %%I', %s, c.conname);\n"
			     "END LOOP;\n"
			     "IF NOT EXISTS (SELECT FROM pg_constraint WHERE conrelid = %s::regclass\n"
			     "  AND contype = 'c' AND pg_get_constraintdef(oid) ~ 'repaired') THEN\n"
			     "  EXECUTE format('ALTER TABLE %%s ADD CHECK (direction IN (''upgrade'', "
			     "''downgrade'', ''stamp'', ''repair'')), ADD CHECK (outcome IN (''applied'', "
			     "''reverted'', ''failed'', ''in_progress'', ''stamped'', ''repaired''))', %s);\n"
			     "END IF; END $vh$",
			     lit, lit, lit, lit) < 0)
		sql = NULL;
	vh_free(lit);
	if (!sql)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	rc = vh_db_exec(conn, "widening the history table's checks", sql);
	free(sql);
	return rc;
}

/* Writes one repair row. */
static int repair_row(PGconn *conn, const vh_tables *t, const vh_revision *rev,
		      const char *revision, const char *sha, const char *message)
{
	vh_history_row row = {0};
	char *sql;
	int rc;

	row.revision = revision;
	row.down_revision = rev ? rev->down_revision : NULL;
	row.direction = "repair";
	row.outcome = "repaired";
	row.message = message;
	row.plugin_file = rev ? rev->path : NULL;
	row.plugin_sha256 = sha;
	row.duration_ms = -1;
	if (!(sql = vh_history_insert_sql(t, &row)))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	rc = vh_db_exec(conn, "writing the repair row", sql);
	free(sql);
	return rc;
}

/* Whether graph index `idx` is among the named ones (all when none). */
static int wanted(const size_t *named, size_t nnamed, size_t idx)
{
	size_t i;

	for (i = 0; i < nnamed; i++)
		if (named[i] == idx)
			return 1;
	return nnamed == 0;
}

/* Clears the in_progress markers (of the named revisions), a row each. */
static int clear_markers(PGconn *conn, const vh_tables *t, const vh_graph *g,
			 const size_t *named, size_t nnamed, int *changes)
{
	PGresult *res = NULL;
	char *sql, msg[512];
	int rc, i;
	long idx;

	if (asprintf(&sql, "SELECT id, revision, direction, to_char(started_at, 'YYYY-MM-DD "
			   "HH24:MI:SS TZ') FROM %s WHERE attention ORDER BY id", t->ht) < 0)
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	rc = vh_db_query(&res, conn, "reading the history table", sql, 0, NULL);
	free(sql);
	for (i = 0; rc == 0 && i < PQntuples(res); i++) {
		idx = vh_graph_find(g, PQgetvalue(res, i, 1));
		if (nnamed && (idx < 0 || !wanted(named, nnamed, (size_t)idx)))
			continue;
		snprintf(msg, sizeof(msg), "cleared the in_progress marker of the %s started %s",
			 PQgetvalue(res, i, 2), PQgetvalue(res, i, 3));
		if (asprintf(&sql, "UPDATE %s SET attention = false WHERE id = %s", t->ht,
			     PQgetvalue(res, i, 0)) < 0) {
			rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
			break;
		}
		rc = vh_db_exec(conn, "clearing the marker", sql);
		free(sql);
		if (rc == 0)
			rc = repair_row(conn, t, idx >= 0 ? vh_graph_rev(g, (size_t)idx) : NULL,
					PQgetvalue(res, i, 1), NULL, msg);
		if (rc == 0) {
			printf("%s: %s.\n", PQgetvalue(res, i, 1), msg);
			(*changes)++;
		}
	}
	if (res)
		PQclear(res);
	return rc;
}

/* Records the current SHA-256 of each applied (named) revision whose
 * plugin differs from the hash last recorded for it. */
static int record_hashes(PGconn *conn, const vh_tables *t, const vh_graph *g,
			 const unsigned char *applied, const size_t *named, size_t nnamed,
			 int *changes)
{
	PGresult *res;
	char *sql, sha[65], msg[256];
	int rc, i;
	long idx;

	if (!(sql = vh_run_applied_sha_sql(t)))
		return vh_error_set(VH_ERR_NOMEM, "out of memory");
	rc = vh_db_query(&res, conn, "reading the history table", sql, 0, NULL);
	free(sql);
	for (i = 0; rc == 0 && i < PQntuples(res); i++) {
		const vh_revision *rev;

		idx = vh_graph_find(g, PQgetvalue(res, i, 0));
		if (idx < 0 || !applied[idx] || !wanted(named, nnamed, (size_t)idx))
			continue;
		rev = vh_graph_rev(g, (size_t)idx);
		if ((rc = vh_file_sha256(rev->path, sha)) < 0)
			break;
		if (strcmp(sha, PQgetvalue(res, i, 1)) == 0)
			continue;
		snprintf(msg, sizeof(msg), "recorded the plugin's current SHA-256 (was %.12s..., "
			 "applied %s)", PQgetvalue(res, i, 1), PQgetvalue(res, i, 2));
		if ((rc = repair_row(conn, t, rev, rev->id, sha, msg)) == 0) {
			printf("%s: recorded the current SHA-256 of %s: %.12s... (was %.12s...).\n",
			       rev->id, rev->path, sha, PQgetvalue(res, i, 1));
			(*changes)++;
		}
	}
	PQclear(res);
	return rc;
}

int vh_cmd_repair(vh_app *app, int argc, char **argv)
{
	const char *val;
	int pos = 1, id, rc, exists, changes = 0, lrc;
	size_t *named = NULL, nnamed = 0, *cur = NULL, ncur = 0, i;
	char **ids = NULL;
	unsigned char *applied = NULL;
	vh_tables t = {0};
	vh_lock lock = {0};
	vh_graph *g;
	PGconn *conn = NULL;
	PGresult *res;

	if ((rc = vh_app_graph(app, &g)) < 0)
		return rc;
	if (!(named = calloc((size_t)argc + 1, sizeof(*named))) ||
	    !(applied = calloc(vh_graph_count(g) + 1, 1))) {
		rc = vh_error_set(VH_ERR_NOMEM, "out of memory");
		goto done;
	}
	while ((id = vh_cmd_next(argc, argv, &pos, NULL, &val)) != -1) {
		if (id != 0) {
			rc = id;
			goto done;
		}
		if ((rc = vh_spec_lookup(g, val, &named[nnamed])) < 0)
			goto done;
		nnamed++;
	}
	if ((rc = vh_tables_init(&t, app->cfg)) < 0 || (rc = vh_app_conn(app, &conn)) < 0 ||
	    (rc = vh_lock_take(&lock, app, conn, &t, 0)) < 0)
		goto done;
	if ((rc = vh_db_query(&res, conn, "looking for the history table",
			      "SELECT to_regclass($1) IS NOT NULL", 1,
			      (const char *const[]){t.ht})) < 0)
		goto done;
	exists = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (!exists) {
		rc = vh_error_set(VH_ERR_GENERIC, "nothing to repair: %s does not exist (no revision "
				  "was ever run here)", t.ht_display);
		goto done;
	}
	if ((rc = vh_tables_read_versions(conn, &t, &ids, &ncur)) < 0 ||
	    (rc = vh_run_map_versions(g, ids, ncur, &cur)) < 0)
		goto done;
	vh_graph_mark_ancestors(g, cur, ncur, applied);
	for (i = 0; i < nnamed; i++)
		if (!applied[named[i]]) {
			rc = vh_error_set(VH_ERR_GENERIC, "revision %s is not applied, so there is "
					  "nothing of it to repair", vh_graph_rev(g, named[i])->id);
			goto done;
		}
	if ((rc = vh_db_exec(conn, "starting the transaction", "BEGIN")) < 0)
		goto done;
	if ((rc = widen_checks(conn, &t)) < 0 ||
	    (rc = clear_markers(conn, &t, g, named, nnamed, &changes)) < 0 ||
	    (rc = record_hashes(conn, &t, g, applied, named, nnamed, &changes)) < 0 ||
	    (rc = vh_db_exec(conn, "committing", "COMMIT")) < 0) {
		PQclear(PQexec(conn, "ROLLBACK"));
		goto done;
	}
	if (!changes)
		printf("Nothing to repair: every applied revision's plugin matches its record and no "
		       "marker is set.\n");
done:
	if (conn && (lrc = vh_lock_release(&lock, conn)) < 0 && rc == 0)
		rc = lrc;
	vh_strv_free(ids);
	free(cur);
	free(named);
	free(applied);
	vh_tables_clear(&t);
	return rc;
}
