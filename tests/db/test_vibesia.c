/* test_vibesia.c - the Vibesia revision chain (plugins/vibesia) driven
 * through the vhost binary against a real server, with the sample data
 * loaded: each upgrade's effect read back from the catalog, deletes that
 * cascade and anonymise, and each downgrade restoring the schema exactly
 * while keeping every row.
 *
 * The tests share one database and run in order, each continuing from the
 * state the previous one left; when a step of the chain fails, the rest are
 * marked failed at once instead of reporting noise from the wrong state. */
#include <CUnit/CUnit.h>
#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_test.h"

#define VIB_SCHEMA "vibesia_schema"
#define VIB_DB_TAG "vib_test_vibesia"
#define VIB_SAMPLE VHOST_SOURCE_DIR "/conf/sample/vibesia_sample_data.sql"

/* The chain, base first. */
static const char *const vib_chain[] = {
	"1f0e2d3c4b5a", "360b16ba22c2", "2d12193b6184", "3cfc87221979", "ecf5acd6708d",
};
#define VIB_NREV (sizeof(vib_chain) / sizeof(*vib_chain))

/* Every table of the initial revision; no later revision adds or drops one,
 * so all of them exist at every step but base. */
static const char *const vib_tables[] = {
	"users", "genres", "artists", "albums", "songs", "devices", "user_device",
	"playlists", "playlist_songs", "artist_follows", "playback_history", "audit_log",
};
#define VIB_NTABLES (sizeof(vib_tables) / sizeof(*vib_tables))

static char vib_db[64];
static char vib_ini[256];
static PGconn *vib_conn;
static int vib_intact = 1; /* 0 once a step of the chain failed */

/* vib_snap[k]: the schema with the first k revisions applied, taken on the
 * way up; vib_snap[0] is before the first upgrade. */
static char *vib_snap[VIB_NREV + 1];

/* Row counts right after the sample data was loaded. */
static long long vib_counts[VIB_NTABLES];

/* ---------------------------------------------------------------------
 * Helpers
 * --------------------------------------------------------------------- */

/* Formats a query into a static buffer (constant inputs only). */
static const char *vib_sql(const char *fmt, va_list ap)
{
	static char buf[4096];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	return buf;
}

/* The first value of the query's first row as a new string, NULL for no
 * row or SQL NULL. A failing query ends the program (vh_test_value). */
static char *vib_value(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static char *vib_value(const char *fmt, ...)
{
	va_list ap;
	const char *sql;

	va_start(ap, fmt);
	sql = vib_sql(fmt, ap);
	va_end(ap);
	return vh_test_value(vib_conn, sql);
}

/* Like vib_value for a count or other integer; -1 for NULL or no row. */
static long long vib_int(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static long long vib_int(const char *fmt, ...)
{
	va_list ap;
	const char *sql;
	char *v;
	long long n;

	va_start(ap, fmt);
	sql = vib_sql(fmt, ap);
	va_end(ap);
	v = vh_test_value(vib_conn, sql);
	n = v ? strtoll(v, NULL, 10) : -1;
	free(v);
	return n;
}

/* 1 when `got` equals `want` (either may be NULL); otherwise prints both
 * under `what` and returns 0, for use inside CU_ASSERT. */
static int vib_same(const char *what, const char *got, const char *want)
{
	if ((!got && !want) || (got && want && strcmp(got, want) == 0))
		return 1;
	fprintf(stderr, "\n  %s: got '%s', want '%s'\n", what, got ? got : "(null)",
		want ? want : "(null)");
	return 0;
}

/* Compares a value from the catalog with what is expected, freeing it. */
#define VIB_ASSERT_VALUE(want, ...)                                            \
	do {                                                                   \
		char *vib__v = vib_value(__VA_ARGS__);                         \
		CU_ASSERT(vib_same(#__VA_ARGS__, vib__v, (want)));             \
		free(vib__v);                                                  \
	} while (0)

/* Runs `vhost -c INI COMMAND SPEC`; 0 on exit status 0, else prints what
 * vhost said and returns the status. */
static int vib_vhost(const char *command, const char *spec)
{
	const char *argv[] = {"-c", vib_ini, command, spec, NULL};
	vh_test_result r = vh_test_vhost(NULL, argv);
	int status = r.status;

	if (status != 0)
		fprintf(stderr, "\n  vhost %s %s: exit %d\n  stdout: %s\n  stderr: %s\n",
			command, spec, status, r.out, r.err);
	vh_test_result_free(&r);
	return status;
}

/* The version table's rows, comma-separated (NULL when empty). */
static char *vib_version(void)
{
	return vib_value("SELECT string_agg(version_num, ',' ORDER BY version_num)"
			 " FROM " VIB_SCHEMA ".alembic_version");
}

/* Checks the version table holds exactly `want` (NULL: no row, base). */
static void vib_assert_version(const char *want)
{
	char *v = vib_version();

	CU_ASSERT(vib_same("alembic_version", v, want));
	free(v);
}

/* Prints the first line where two snapshots differ. */
static void vib_snap_diff(const char *what, const char *got, const char *want)
{
	size_t i = 0, line = 1, start = 0;

	while (got[i] && got[i] == want[i]) {
		if (got[i] == '\n') {
			line++;
			start = i + 1;
		}
		i++;
	}
	fprintf(stderr, "\n  %s: snapshots differ at line %zu\n    got:  %.*s\n    want: %.*s\n",
		what, line, (int)strcspn(got + start, "\n"), got + start,
		(int)strcspn(want + start, "\n"), want + start);
}

/* Checks the schema now equals `want`, a snapshot taken earlier. */
static void vib_assert_snapshot(const char *what, const char *want)
{
	char *now = vh_test_snapshot(vib_conn, VIB_SCHEMA);
	int same = want && strcmp(now, want) == 0;

	if (!same && want)
		vib_snap_diff(what, now, want);
	CU_ASSERT(same);
	free(now);
}

static long long vib_count(const char *table)
{
	return vib_int("SELECT count(*) FROM " VIB_SCHEMA ".%s", table);
}

/* The row count `table` had right after the sample data was loaded. */
static long long vib_baseline(const char *table)
{
	size_t i;

	for (i = 0; i < VIB_NTABLES; i++)
		if (strcmp(vib_tables[i], table) == 0)
			return vib_counts[i];
	return -1;
}

/* Checks every table still has the row count the sample data gave it. */
static void vib_assert_counts(const char *when)
{
	size_t i;

	for (i = 0; i < VIB_NTABLES; i++) {
		long long n = vib_count(vib_tables[i]);

		if (n != vib_counts[i])
			fprintf(stderr, "\n  %s: %s has %lld rows, had %lld\n", when,
				vib_tables[i], n, vib_counts[i]);
		CU_ASSERT_EQUAL(n, vib_counts[i]);
	}
}

/* The ON DELETE action of a named foreign key (pg_constraint.confdeltype:
 * 'a' no action, 'c' cascade, 'n' set null), as a new string. */
static char *vib_fk_action(const char *conname)
{
	return vib_value("SELECT confdeltype::text FROM pg_constraint"
			 " WHERE connamespace = '" VIB_SCHEMA "'::regnamespace"
			 " AND contype = 'f' AND conname = '%s'", conname);
}

static void vib_assert_fk(const char *conname, const char *action)
{
	char *v = vib_fk_action(conname);

	CU_ASSERT(vib_same(conname, v, action));
	free(v);
}

/* The foreign keys to users (and playlists' entries, which go with them)
 * that 2d12193b6184 makes cascade. */
static const char *const vib_cascading_fks[] = {
	"fk_playlists_owner_user_id_users",
	"fk_playlist_songs_playlist_id_playlists",
	"fk_user_device_user_id_users",
	"fk_playback_history_user_id_users",
	"fk_artist_follows_user_id_users",
};
#define VIB_NCASCADING (sizeof(vib_cascading_fks) / sizeof(*vib_cascading_fks))

static void vib_assert_cascading(const char *action)
{
	size_t i;

	for (i = 0; i < VIB_NCASCADING; i++)
		vib_assert_fk(vib_cascading_fks[i], action);
}

static int vib_index_exists(const char *name)
{
	return vib_int("SELECT count(*) FROM pg_class WHERE relkind = 'i'"
		       " AND relnamespace = '" VIB_SCHEMA "'::regnamespace"
		       " AND relname = '%s'", name) == 1;
}

/* "type|nullable|default" of users.password_changed_at, NULL when the
 * column does not exist. */
static char *vib_pca_column(void)
{
	return vib_value("SELECT data_type || '|' || is_nullable || '|'"
			 " || coalesce(column_default, '')"
			 " FROM information_schema.columns"
			 " WHERE table_schema = '" VIB_SCHEMA "' AND table_name = 'users'"
			 " AND column_name = 'password_changed_at'");
}

/* A user who has something in every user-owned table: playlists with
 * entries, a device, plays, follows and audit entries. */
static long long vib_pick_user(void)
{
	return vib_int(
		"SELECT u.user_id FROM " VIB_SCHEMA ".users u"
		" WHERE EXISTS (SELECT 1 FROM " VIB_SCHEMA ".playlists p"
		"   JOIN " VIB_SCHEMA ".playlist_songs e USING (playlist_id)"
		"   WHERE p.owner_user_id = u.user_id)"
		" AND EXISTS (SELECT 1 FROM " VIB_SCHEMA ".user_device d WHERE d.user_id = u.user_id)"
		" AND EXISTS (SELECT 1 FROM " VIB_SCHEMA ".playback_history h WHERE h.user_id = u.user_id)"
		" AND EXISTS (SELECT 1 FROM " VIB_SCHEMA ".artist_follows f WHERE f.user_id = u.user_id)"
		" AND EXISTS (SELECT 1 FROM " VIB_SCHEMA ".audit_log a WHERE a.app_user_id = u.user_id)"
		" ORDER BY u.user_id LIMIT 1");
}

/* Tries to delete user `id` inside a transaction that is always rolled
 * back, and checks that it fails with a foreign-key violation (23503) on
 * `conname`, or with NULL on any of the foreign keys to users (which one
 * fires first is the server's business). */
static void vib_assert_delete_blocked(long long id, const char *conname)
{
	char sql[200];
	PGresult *res;
	const char *state, *cons;

	CU_ASSERT_FATAL(vh_test_exec(vib_conn, "BEGIN") == 0);
	snprintf(sql, sizeof(sql), "DELETE FROM " VIB_SCHEMA ".users WHERE user_id = %lld", id);
	res = PQexec(vib_conn, sql);
	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	cons = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
	CU_ASSERT(vib_same("SQLSTATE of the delete", state, "23503"));
	if (conname) {
		CU_ASSERT(vib_same("constraint blocking the delete", cons, conname));
	} else {
		size_t n = cons ? strlen(cons) : 0;

		CU_ASSERT(n > 9 && strncmp(cons, "fk_", 3) == 0 &&
			  strcmp(cons + n - 6, "_users") == 0);
	}
	PQclear(res);
	CU_ASSERT(vh_test_exec(vib_conn, "ROLLBACK") == 0);
}

/* ---------------------------------------------------------------------
 * Suite setup
 * --------------------------------------------------------------------- */

static int vib_init(void)
{
	char body[1024];

	snprintf(vib_db, sizeof(vib_db), "%s", vh_test_createdb(VIB_DB_TAG));
	snprintf(body, sizeof(body),
		 "[vhost]\nplugin_dir = %s\n[database]\ndbname = %s\n",
		 VHOST_PLUGIN_DIR, vib_db);
	snprintf(vib_ini, sizeof(vib_ini), "%s", vh_test_write_ini(body));
	vib_conn = vh_test_connect(vib_db);
	return 0;
}

/* The database is left behind for a look after a failure; the next run
 * drops and recreates it. */
static int vib_clean(void)
{
	size_t i;

	PQfinish(vib_conn);
	vib_conn = NULL;
	for (i = 0; i <= VIB_NREV; i++) {
		free(vib_snap[i]);
		vib_snap[i] = NULL;
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Tests
 * --------------------------------------------------------------------- */

/* The initial revision creates every table with no ON DELETE action on the
 * foreign keys to users. */
static void test_upgrade_initial(void)
{
	size_t i;

	vib_snap[0] = vh_test_snapshot(vib_conn, VIB_SCHEMA);
	if (vib_vhost("upgrade", vib_chain[0]) != 0) {
		vib_intact = 0;
		CU_FAIL_FATAL("vhost upgrade <initial> failed");
	}
	vib_assert_version(vib_chain[0]);
	for (i = 0; i < VIB_NTABLES; i++)
		CU_ASSERT_EQUAL(vib_int("SELECT count(*) FROM pg_tables WHERE schemaname = '"
					VIB_SCHEMA "' AND tablename = '%s'", vib_tables[i]), 1);
	vib_assert_cascading("a");
	vib_assert_fk("fk_audit_log_app_user_id_users", "a");
	CU_ASSERT(vib_index_exists("ix_playlists_is_public_owner_user_id"));
	CU_ASSERT(vib_index_exists("ix_playback_history_played_at_user_id"));
	CU_ASSERT(vib_index_exists("uq_user_device_device_id_user_id"));
	{
		char *c = vib_pca_column();

		CU_ASSERT_PTR_NULL(c);
		free(c);
	}
	vib_snap[1] = vh_test_snapshot(vib_conn, VIB_SCHEMA);
	CU_ASSERT(strcmp(vib_snap[0], vib_snap[1]) != 0);
}

/* The sample data loads at the initial revision and fills every table. */
static void test_load_sample(void)
{
	FILE *f;
	char *sql;
	long size;
	size_t i;

	CU_ASSERT_FATAL(vib_intact);
	f = fopen(VIB_SAMPLE, "rb");
	if (!f) {
		vib_intact = 0;
		CU_FAIL_FATAL("cannot open " VIB_SAMPLE);
	}
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	sql = malloc((size_t)size + 1);
	CU_ASSERT_FATAL(sql != NULL);
	CU_ASSERT_FATAL(fread(sql, 1, (size_t)size, f) == (size_t)size);
	sql[size] = '\0';
	fclose(f);

	/* The file names tables unqualified, as the revisions do. */
	CU_ASSERT_FATAL(vh_test_exec(vib_conn, "SET search_path = " VIB_SCHEMA) == 0);
	if (vh_test_exec(vib_conn, sql) != 0) {
		/* The file's own BEGIN leaves the session in a failed
		 * transaction. */
		vh_test_exec(vib_conn, "ROLLBACK");
		vib_intact = 0;
	}
	free(sql);
	CU_ASSERT(vh_test_exec(vib_conn, "RESET search_path") == 0);
	CU_ASSERT_FATAL(vib_intact);

	for (i = 0; i < VIB_NTABLES; i++) {
		vib_counts[i] = vib_count(vib_tables[i]);
		CU_ASSERT(vib_counts[i] > 0);
	}
	CU_ASSERT(vib_count("users") >= 30);
	/* Anonymous audit entries exist from the start (failed logins). */
	CU_ASSERT(vib_int("SELECT count(*) FROM " VIB_SCHEMA ".audit_log"
			  " WHERE app_user_id IS NULL") > 0);
	/* With no ON DELETE action, a user who owns anything cannot go. */
	vib_assert_delete_blocked(vib_pick_user(), NULL);
}

/* What revision vib_chain[k] must have done, read from the catalog. */
static void vib_check_effect(size_t k)
{
	char *c;

	switch (k) {
	case 1: /* 360b16ba22c2: the column, filled for existing rows */
		c = vib_pca_column();
		CU_ASSERT(vib_same("password_changed_at", c, "timestamp with time zone|NO|now()"));
		free(c);
		CU_ASSERT_EQUAL(vib_int("SELECT count(*) FROM " VIB_SCHEMA ".users"
					" WHERE password_changed_at IS NULL"), 0);
		/* One now() for the whole migration: a single value. */
		CU_ASSERT_EQUAL(vib_int("SELECT count(DISTINCT password_changed_at) FROM "
					VIB_SCHEMA ".users"), 1);
		vib_assert_cascading("a");
		break;
	case 2: /* 2d12193b6184: cascades, and indexes leading on each column */
		vib_assert_cascading("c");
		vib_assert_fk("fk_audit_log_app_user_id_users", "a");
		CU_ASSERT(!vib_index_exists("ix_playlists_is_public_owner_user_id"));
		CU_ASSERT(!vib_index_exists("ix_playback_history_played_at_user_id"));
		CU_ASSERT(!vib_index_exists("uq_user_device_device_id_user_id"));
		CU_ASSERT(vib_index_exists("ix_playlists_owner_user_id"));
		CU_ASSERT(vib_index_exists("uq_user_device_user_id_device_id"));
		CU_ASSERT(vib_index_exists("ix_user_device_device_id"));
		CU_ASSERT(vib_index_exists("ix_playback_history_user_id_played_at"));
		CU_ASSERT(vib_index_exists("ix_playback_history_played_at"));
		CU_ASSERT(vib_index_exists("ix_artist_follows_user_id"));
		/* Every cascading foreign key has an index whose first column is
		 * the key's column, so a cascade never scans its table. */
		CU_ASSERT_EQUAL(vib_int(
			"SELECT count(*) FROM pg_constraint k"
			" WHERE k.connamespace = '" VIB_SCHEMA "'::regnamespace"
			" AND k.contype = 'f' AND k.confdeltype IN ('c', 'n')"
			" AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = k.conrelid"
			"   AND i.indkey[0] = k.conkey[1])"), 0);
		/* The audit trail still blocks deleting a user: what 3cfc87221979
		 * is for. */
		vib_assert_delete_blocked(vib_pick_user(), "fk_audit_log_app_user_id_users");
		break;
	case 3: /* 3cfc87221979: audit entries lose their user, not their row */
		vib_assert_fk("fk_audit_log_app_user_id_users", "n");
		vib_assert_cascading("c");
		break;
	case 4: /* ecf5acd6708d: nullable, default kept */
		c = vib_pca_column();
		CU_ASSERT(vib_same("password_changed_at", c, "timestamp with time zone|YES|now()"));
		free(c);
		break;
	}
}

/* Each `upgrade +1` moves one revision, does what it should and nothing to
 * the data. */
static void test_upgrade_steps(void)
{
	size_t k;

	CU_ASSERT_FATAL(vib_intact);
	for (k = 1; k < VIB_NREV; k++) {
		vib_assert_snapshot("before upgrade", vib_snap[k]);
		if (vib_vhost("upgrade", "+1") != 0) {
			vib_intact = 0;
			fprintf(stderr, "\n  upgrade to %s failed\n", vib_chain[k]);
			CU_FAIL_FATAL("vhost upgrade +1 failed");
		}
		vib_assert_version(vib_chain[k]);
		vib_check_effect(k);
		vib_assert_counts(vib_chain[k]);
		vib_snap[k + 1] = vh_test_snapshot(vib_conn, VIB_SCHEMA);
		CU_ASSERT(strcmp(vib_snap[k], vib_snap[k + 1]) != 0);
	}
	/* At head: nothing left to do. */
	CU_ASSERT_EQUAL(vib_vhost("upgrade", "head"), 0);
	vib_assert_version(vib_chain[VIB_NREV - 1]);
}

/* At head, deleting a user removes their playlists (with the entries),
 * devices links, plays and follows, and keeps their audit entries with
 * app_user_id set to NULL; nothing that is not theirs changes. All inside a
 * transaction that is rolled back. */
static void test_delete_user_at_head(void)
{
	long long id, audit_total, audit_null, own_audit, own_entries, other_links;
	char sql[200];

	CU_ASSERT_FATAL(vib_intact);
	id = vib_pick_user();
	CU_ASSERT_FATAL(id > 0);
	audit_total = vib_count("audit_log");
	audit_null = vib_int("SELECT count(*) FROM " VIB_SCHEMA ".audit_log WHERE app_user_id IS NULL");
	own_audit = vib_int("SELECT count(*) FROM " VIB_SCHEMA ".audit_log WHERE app_user_id = %lld", id);
	own_entries = vib_int("SELECT count(*) FROM " VIB_SCHEMA ".playlist_songs e"
			      " JOIN " VIB_SCHEMA ".playlists p USING (playlist_id)"
			      " WHERE p.owner_user_id = %lld", id);
	other_links = vib_int("SELECT count(*) FROM " VIB_SCHEMA ".user_device WHERE user_id <> %lld", id);
	CU_ASSERT(own_audit > 0);
	CU_ASSERT(own_entries > 0);

	CU_ASSERT_FATAL(vh_test_exec(vib_conn, "BEGIN") == 0);
	snprintf(sql, sizeof(sql), "DELETE FROM " VIB_SCHEMA ".users WHERE user_id = %lld", id);
	CU_ASSERT(vh_test_exec(vib_conn, sql) == 0);

	CU_ASSERT_EQUAL(vib_int("SELECT count(*) FROM " VIB_SCHEMA ".users WHERE user_id = %lld", id), 0);
	CU_ASSERT_EQUAL(vib_int("SELECT count(*) FROM " VIB_SCHEMA ".playlists WHERE owner_user_id = %lld", id), 0);
	CU_ASSERT_EQUAL(vib_int("SELECT count(*) FROM " VIB_SCHEMA ".user_device WHERE user_id = %lld", id), 0);
	CU_ASSERT_EQUAL(vib_int("SELECT count(*) FROM " VIB_SCHEMA ".playback_history WHERE user_id = %lld", id), 0);
	CU_ASSERT_EQUAL(vib_int("SELECT count(*) FROM " VIB_SCHEMA ".artist_follows WHERE user_id = %lld", id), 0);
	/* The entries went with the playlists; no orphan could remain. */
	CU_ASSERT_EQUAL(vib_count("playlist_songs"), vib_baseline("playlist_songs") - own_entries);
	/* The audit trail is whole, only anonymised. */
	CU_ASSERT_EQUAL(vib_count("audit_log"), audit_total);
	CU_ASSERT_EQUAL(vib_int("SELECT count(*) FROM " VIB_SCHEMA ".audit_log WHERE app_user_id IS NULL"),
			audit_null + own_audit);
	/* Devices are not the user's: they stay, and so do other people's
	 * links to them (shared speakers and TVs). */
	CU_ASSERT_EQUAL(vib_count("devices"), vib_baseline("devices"));
	CU_ASSERT_EQUAL(vib_count("user_device"), other_links);
	CU_ASSERT_EQUAL(vib_count("songs"), vib_baseline("songs"));

	CU_ASSERT_FATAL(vh_test_exec(vib_conn, "ROLLBACK") == 0);
	vib_assert_counts("after the rolled-back delete");
}

/* Each `downgrade -1` restores the schema exactly as it was before the
 * matching upgrade and keeps every row; the last one leaves only vhost's
 * own tables in the schema. Before the first, some accounts get a NULL
 * password_changed_at, as external-identity accounts would, so the
 * downgrade of ecf5acd6708d has something to backfill. */
static void test_downgrade_steps(void)
{
	long long nulled;
	size_t k;

	CU_ASSERT_FATAL(vib_intact);
	CU_ASSERT_FATAL(vh_test_exec(vib_conn,
				     "UPDATE " VIB_SCHEMA ".users SET password_changed_at = NULL"
				     " WHERE auth_provider <> 'local'") == 0);
	nulled = vib_int("SELECT count(*) FROM " VIB_SCHEMA ".users WHERE password_changed_at IS NULL");
	CU_ASSERT(nulled > 0);

	for (k = VIB_NREV - 1; k >= 1; k--) {
		if (vib_vhost("downgrade", "-1") != 0) {
			vib_intact = 0;
			fprintf(stderr, "\n  downgrade of %s failed\n", vib_chain[k]);
			CU_FAIL_FATAL("vhost downgrade -1 failed");
		}
		vib_assert_version(vib_chain[k - 1]);
		vib_assert_snapshot(vib_chain[k], vib_snap[k]);
		vib_assert_counts(vib_chain[k]);
		if (k == VIB_NREV - 1) {
			/* The NULLs became the account's creation time. */
			CU_ASSERT_EQUAL(vib_int("SELECT count(*) FROM " VIB_SCHEMA ".users"
						" WHERE password_changed_at IS NULL"), 0);
			CU_ASSERT_EQUAL(vib_int("SELECT count(*) FROM " VIB_SCHEMA ".users"
						" WHERE auth_provider <> 'local'"
						" AND password_changed_at = created_at"), nulled);
		}
	}

	/* The initial revision's downgrade: base. */
	if (vib_vhost("downgrade", "-1") != 0) {
		vib_intact = 0;
		CU_FAIL_FATAL("vhost downgrade -1 to base failed");
	}
	vib_assert_version(NULL);
	CU_ASSERT_EQUAL(vib_int("SELECT count(*) FROM pg_namespace WHERE nspname = '" VIB_SCHEMA "'"), 1);
	/* vib_snap[0] predates the schema, which vhost creates and never
	 * drops; what may remain is vhost's version and history tables with
	 * their keys and sequences. */
	{
		char *left = vib_value(
			"SELECT string_agg(relname, ', ' ORDER BY relname) FROM pg_class"
			" WHERE relnamespace = '" VIB_SCHEMA "'::regnamespace"
			" AND relname NOT LIKE 'alembic\\_version%%'"
			" AND relname NOT LIKE 'vhost\\_history%%'");

		CU_ASSERT(vib_same("relations left at base", left, NULL));
		free(left);
	}
	CU_ASSERT_EQUAL(vib_int("SELECT count(*) FROM pg_type WHERE typnamespace = '" VIB_SCHEMA
				"'::regnamespace AND typtype <> 'c' AND typname NOT LIKE '\\_%%'"), 0);
}

static void vib_add_suites(void)
{
	CU_pSuite s = CU_add_suite("vibesia", vib_init, vib_clean);

	if (!s)
		return;
	CU_add_test(s, "upgrade to the initial revision", test_upgrade_initial);
	CU_add_test(s, "load the sample data", test_load_sample);
	CU_add_test(s, "upgrade +1 to head, step by step", test_upgrade_steps);
	CU_add_test(s, "delete a user at head", test_delete_user_at_head);
	CU_add_test(s, "downgrade -1 to base, step by step", test_downgrade_steps);
}

int main(void)
{
	return vh_test_main(vib_add_suites);
}
