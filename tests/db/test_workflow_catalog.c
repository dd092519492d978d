/* test_workflow_catalog.c - vh_catalog (host/vh_catalog.c), the catalog
 * snapshots behind `vhost test`, against a real server: what each kind of
 * object reads as, vhost's own tables left out, two schemas with the same
 * DDL comparing equal, the diff lines for the mistakes a downgrade makes,
 * the session left as it was (search_path, an open transaction), and the
 * row counts compared next to the catalog. */
#include <CUnit/CUnit.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vh_catalog.h"
#include "vh_error.h"
#include "vh_test.h"

static PGconn *cat_conn;

/* The DDL of one test schema; %1$s is its name. Two schemas made from it
 * must compare equal. */
static const char cat_ddl[] =
	"CREATE SCHEMA %1$s;\n"
	"SET search_path TO %1$s;\n"
	"CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');\n"
	"CREATE DOMAIN posint AS integer NOT NULL CONSTRAINT posint_check CHECK (VALUE > 0);\n"
	"CREATE TABLE owner (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);\n"
	"CREATE TABLE pet (\n"
	"  id bigserial PRIMARY KEY,\n"
	"  owner_id int REFERENCES owner (id) ON DELETE CASCADE DEFERRABLE,\n"
	"  name varchar(40) COLLATE \"C\" NOT NULL DEFAULT 'rex',\n"
	"  feeling mood,\n"
	"  legs posint,\n"
	"  name_len int GENERATED ALWAYS AS (length(name)) STORED,\n"
	"  CONSTRAINT pet_legs_check CHECK (legs <= 8),\n"
	"  CONSTRAINT pet_name_key UNIQUE (owner_id, name));\n"
	"CREATE INDEX pet_happy_idx ON pet (name) WHERE feeling = 'happy';\n"
	"COMMENT ON TABLE pet IS 'pets';\n"
	"COMMENT ON COLUMN pet.name IS 'what it answers to';\n"
	"CREATE VIEW happy_pet AS SELECT id, name FROM pet WHERE feeling = 'happy';\n"
	"CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;\n"
	"CREATE TRIGGER pet_touch BEFORE UPDATE ON pet FOR EACH ROW EXECUTE FUNCTION touch();\n"
	"ALTER TABLE pet ENABLE ROW LEVEL SECURITY;\n"
	"CREATE POLICY pet_mine ON pet USING (owner_id = 1);\n"
	"CREATE SEQUENCE ticket_seq START 100 INCREMENT 5;\n"
	/* vhost's own tables, as vh_tables creates them (shortened). */
	"CREATE TABLE alembic_version (version_num varchar(32) NOT NULL,\n"
	"  CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));\n"
	"CREATE TABLE vhost_history (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
	"  revision varchar(32) NOT NULL);\n"
	"RESET search_path;\n";

static const char *const cat_exclude[] = {"alembic_version", "vhost_history", NULL};

/* Creates schema `name` from cat_ddl; ends the program if that fails. */
static void cat_make_schema(const char *name)
{
	char sql[4096];

	snprintf(sql, sizeof(sql), cat_ddl, name);
	if (vh_test_exec(cat_conn, sql) < 0)
		exit(2);
}

static int cat_init(void)
{
	cat_conn = vh_test_connect(vh_test_createdb("flow_catalog"));
	cat_make_schema("flow_a");
	cat_make_schema("flow_b");
	return 0;
}

static int cat_clean(void)
{
	PGconn *admin;

	PQfinish(cat_conn);
	admin = vh_test_connect("postgres");
	vh_test_exec(admin, "DROP DATABASE IF EXISTS flow_catalog WITH (FORCE)");
	PQfinish(admin);
	return 0;
}

/* Snapshot of `schema` with vhost's tables left out; NULL (and a failed
 * assertion) on error. */
static vh_catalog *cat_snap(const char *schema)
{
	vh_catalog *cat = NULL;
	int rc = vh_catalog_snapshot(&cat, cat_conn, schema, cat_exclude);

	if (rc < 0)
		fprintf(stderr, "\n  snapshot of %s: %s\n", schema, vh_error_last());
	CU_ASSERT_EQUAL(rc, 0);
	return cat;
}

/* 1 when the entry exists with exactly that definition; otherwise prints
 * what was found, for use inside CU_ASSERT. */
static int cat_has(const vh_catalog *cat, const char *kind, const char *name, const char *def)
{
	const vh_catalog_entry *e = vh_catalog_find(cat, kind, name);

	if (e && strcmp(e->def, def) == 0)
		return 1;
	fprintf(stderr, "\n  %s %s: got '%s', want '%s'\n", kind, name, e ? e->def : "(missing)", def);
	return 0;
}

/* The diff from a to b as a string (caller frees) and its line count. */
static char *cat_diff(const vh_catalog *a, const vh_catalog *b, size_t *lines)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	*lines = vh_catalog_diff(f, a, b, "  ");
	fclose(f);
	return buf;
}

/* Runs SQL on the test connection, failing the test if it fails. */
#define CAT_EXEC(sql) CU_ASSERT_EQUAL_FATAL(vh_test_exec(cat_conn, (sql)), 0)

/* ---------------------------------------------------------------------
 * Tests
 * --------------------------------------------------------------------- */

static void test_missing_schema(void)
{
	vh_catalog *cat = cat_snap("flow_no_such_schema");

	CU_ASSERT_PTR_NOT_NULL_FATAL(cat);
	CU_ASSERT_EQUAL(vh_catalog_count(cat), 0);
	CU_ASSERT_PTR_NULL(vh_catalog_get(cat, 0));
	vh_catalog_free(cat);
	vh_catalog_free(NULL);
}

static void test_entries(void)
{
	vh_catalog *cat = cat_snap("flow_a");

	CU_ASSERT_PTR_NOT_NULL_FATAL(cat);
	CU_ASSERT(cat_has(cat, "table", "pet", "row level security"));
	CU_ASSERT(cat_has(cat, "column", "owner.id", "integer not null generated always as identity"));
	CU_ASSERT(cat_has(cat, "column", "pet.id", "bigint not null default nextval('pet_id_seq'::regclass)"));
	CU_ASSERT(cat_has(cat, "column", "pet.name",
			  "character varying(40) collate \"C\" not null default 'rex'::character varying"));
	CU_ASSERT(cat_has(cat, "column", "pet.owner_id", "integer"));
	CU_ASSERT(cat_has(cat, "column", "pet.feeling", "mood"));
	CU_ASSERT(cat_has(cat, "column", "pet.name_len", "integer generated always as (length((name)::text)) stored"));
	CU_ASSERT(cat_has(cat, "constraint", "pet.pet_owner_id_fkey",
			  "FOREIGN KEY (owner_id) REFERENCES owner(id) ON DELETE CASCADE DEFERRABLE"));
	CU_ASSERT(cat_has(cat, "constraint", "pet.pet_legs_check", "CHECK (legs::integer <= 8)"));
	CU_ASSERT(cat_has(cat, "constraint", "pet.pet_name_key", "UNIQUE (owner_id, name)"));
	CU_ASSERT(cat_has(cat, "index", "pet.pet_happy_idx",
			  "CREATE INDEX pet_happy_idx ON pet USING btree (name) WHERE feeling = 'happy'::mood"));
	CU_ASSERT(cat_has(cat, "trigger", "pet.pet_touch",
			  "CREATE TRIGGER pet_touch BEFORE UPDATE ON pet FOR EACH ROW EXECUTE FUNCTION touch()"));
	CU_ASSERT(cat_has(cat, "policy", "pet.pet_mine", "permissive for all to public using ((owner_id = 1))"));
	CU_ASSERT(cat_has(cat, "comment", "pet", "pets"));
	CU_ASSERT(cat_has(cat, "comment", "pet.name", "what it answers to"));
	CU_ASSERT(cat_has(cat, "enum", "mood", "'sad', 'ok', 'happy'"));
	CU_ASSERT(cat_has(cat, "domain", "posint", "integer not null posint_check CHECK (VALUE > 0)"));
	CU_ASSERT(cat_has(cat, "view", "happy_pet",
			  "as SELECT pet.id, pet.name FROM pet WHERE pet.feeling = 'happy'::mood"));
	CU_ASSERT(cat_has(cat, "sequence", "ticket_seq",
			  "bigint start 100 increment 5 min 1 max 9223372036854775807"));
	CU_ASSERT_PTR_NOT_NULL(vh_catalog_find(cat, "function", "touch()"));
	/* vhost's tables and everything hanging off them are left out. */
	CU_ASSERT_PTR_NULL(vh_catalog_find(cat, "table", "alembic_version"));
	CU_ASSERT_PTR_NULL(vh_catalog_find(cat, "index", "alembic_version.alembic_version_pkc"));
	CU_ASSERT_PTR_NULL(vh_catalog_find(cat, "column", "vhost_history.id"));
	CU_ASSERT_PTR_NULL(vh_catalog_find(cat, "sequence", "vhost_history_id_seq"));
	/* ...but owner's own identity sequence is there. */
	CU_ASSERT_PTR_NOT_NULL(vh_catalog_find(cat, "sequence", "owner_id_seq"));
	vh_catalog_free(cat);
}

static void test_order_and_text(void)
{
	vh_catalog *cat = cat_snap("flow_a");
	const vh_catalog_entry *first;
	char *text, *p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(cat);
	text = vh_catalog_text(cat);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	/* A table's own line, then its columns, constraints, indexes. */
	p = strstr(text, "table owner\n");
	CU_ASSERT_PTR_NOT_NULL(p);
	CU_ASSERT(p && strncmp(p + strlen("table owner\n"), "column owner.id: ", 17) == 0);
	CU_ASSERT(strstr(text, "column owner.name: text not null\n") <
		  strstr(text, "constraint owner.owner_pkey: PRIMARY KEY (id)\n"));
	CU_ASSERT(strstr(text, "constraint owner.owner_pkey: ") <
		  strstr(text, "index owner.owner_pkey: CREATE UNIQUE INDEX owner_pkey ON owner USING btree (id)\n"));
	/* Objects by their (owning table's) name, bytewise: happy_pet first. */
	first = vh_catalog_get(cat, 0);
	CU_ASSERT(first && strcmp(first->kind, "view") == 0 && strcmp(first->name, "happy_pet") == 0);
	CU_ASSERT(strstr(text, "enum mood: ") < strstr(text, "table owner\n"));
	CU_ASSERT(strstr(text, "table pet\n") < strstr(text, "sequence pet_id_seq: "));
	free(text);
	vh_catalog_free(cat);
}

static void test_two_schemas_equal(void)
{
	vh_catalog *a = cat_snap("flow_a"), *b = cat_snap("flow_b");
	size_t lines;
	char *d;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	d = cat_diff(a, b, &lines);
	if (lines)
		fprintf(stderr, "\n%s", d);
	CU_ASSERT_EQUAL(lines, 0);
	CU_ASSERT(vh_catalog_equal(a, b));
	CU_ASSERT(vh_catalog_count(a) > 30);
	free(d);
	vh_catalog_free(a);
	vh_catalog_free(b);
}

/* The mistakes a downgrade makes, each as its diff line. */
static void test_diff_lines(void)
{
	vh_catalog *a = cat_snap("flow_a"), *b;
	size_t lines;
	char *d;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CAT_EXEC("SET search_path TO flow_b;\n"
		 "CREATE INDEX pet_extra_idx ON pet (legs);\n"
		 "ALTER TABLE owner ALTER COLUMN name DROP NOT NULL;\n"
		 "ALTER TABLE pet DROP CONSTRAINT pet_owner_id_fkey, ADD CONSTRAINT pet_owner_id_fkey"
		 " FOREIGN KEY (owner_id) REFERENCES owner (id) ON DELETE SET NULL;\n"
		 "DROP TRIGGER pet_touch ON pet;\n"
		 "ALTER TABLE pet ALTER COLUMN name SET DEFAULT 'max';\n"
		 "RESET search_path");
	b = cat_snap("flow_b");
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	d = cat_diff(a, b, &lines);
	CU_ASSERT_EQUAL(lines, 5);
	CU_ASSERT_STRING_EQUAL(d,
		"  ~ column owner.name: text not null -> text\n"
		"  ~ column pet.name: character varying(40) collate \"C\" not null default "
		"'rex'::character varying -> character varying(40) collate \"C\" not null default "
		"'max'::character varying\n"
		"  ~ constraint pet.pet_owner_id_fkey: FOREIGN KEY (owner_id) REFERENCES owner(id) ON "
		"DELETE CASCADE DEFERRABLE -> FOREIGN KEY (owner_id) REFERENCES owner(id) ON DELETE SET NULL\n"
		"  + index pet.pet_extra_idx: CREATE INDEX pet_extra_idx ON pet USING btree (legs)\n"
		"  - trigger pet.pet_touch: CREATE TRIGGER pet_touch BEFORE UPDATE ON pet FOR EACH ROW "
		"EXECUTE FUNCTION touch()\n");
	CU_ASSERT_FALSE(vh_catalog_equal(a, b));
	CU_ASSERT_EQUAL(vh_catalog_diff(NULL, b, a, NULL), 5);
	free(d);
	vh_catalog_free(a);
	vh_catalog_free(b);
}

/* The session's search_path comes back, inside a transaction and out. */
static void test_session_untouched(void)
{
	vh_catalog *cat = NULL;
	char *path;

	CAT_EXEC("SET search_path TO public, flow_b");
	CU_ASSERT_EQUAL(vh_catalog_snapshot(&cat, cat_conn, "flow_a", NULL), 0);
	vh_catalog_free(cat);
	path = vh_test_value(cat_conn, "SHOW search_path");
	CU_ASSERT_STRING_EQUAL(path, "public, flow_b");
	free(path);

	CAT_EXEC("BEGIN");
	CU_ASSERT_EQUAL(vh_catalog_snapshot(&cat, cat_conn, "flow_a", NULL), 0);
	CU_ASSERT_EQUAL(PQtransactionStatus(cat_conn), PQTRANS_INTRANS);
	/* Without an exclude list vhost's tables are listed like any other. */
	CU_ASSERT_PTR_NOT_NULL(vh_catalog_find(cat, "table", "alembic_version"));
	vh_catalog_free(cat);
	CAT_EXEC("ROLLBACK");
	path = vh_test_value(cat_conn, "SHOW search_path");
	CU_ASSERT_STRING_EQUAL(path, "public, flow_b");
	free(path);
	CAT_EXEC("RESET search_path");
}

/* In a failed transaction the snapshot fails with the server's message. */
static void test_error(void)
{
	vh_catalog *cat = (vh_catalog *)&cat; /* must be reset to NULL */

	CAT_EXEC("BEGIN");
	PQclear(PQexec(cat_conn, "SELECT 1/0"));
	CU_ASSERT_EQUAL(vh_catalog_snapshot(&cat, cat_conn, "flow_a", NULL), VH_ERR_DB);
	CU_ASSERT_PTR_NULL(cat);
	CU_ASSERT_PTR_NOT_NULL(strstr(vh_error_last(), "current transaction is aborted"));
	CAT_EXEC("ROLLBACK");
}

/* Row counts: one line per table in order, vhost's tables left out, and
 * the diff lines for rows lost, a table gone and a table added. */
static void test_row_counts(void)
{
	char *a = NULL, *b = NULL, *d = NULL;
	size_t len = 0, lines;
	FILE *f;

	CAT_EXEC("INSERT INTO flow_a.owner (name) VALUES ('ann'), ('bob');\n"
		 "INSERT INTO flow_a.pet (owner_id, name, legs) VALUES (1, 'rex', 4), (2, 'tom', 4),"
		 " (2, 'tweety', 2);\n"
		 "INSERT INTO flow_a.alembic_version VALUES ('x')");
	CU_ASSERT_EQUAL_FATAL(vh_catalog_row_counts(&a, cat_conn, "flow_a", cat_exclude), 0);
	CU_ASSERT_STRING_EQUAL(a, "owner 2\npet 3\n");
	CU_ASSERT_EQUAL_FATAL(vh_catalog_row_counts(&b, cat_conn, "flow_no_such_schema", NULL), 0);
	CU_ASSERT_STRING_EQUAL(b, "");
	free(b);
	b = NULL;
	CU_ASSERT_EQUAL_FATAL(vh_catalog_row_counts(&b, cat_conn, "flow_a", NULL), 0);
	CU_ASSERT_STRING_EQUAL(b, "alembic_version 1\nowner 2\npet 3\nvhost_history 0\n");
	free(b);

	f = open_memstream(&d, &len);
	lines = vh_catalog_row_counts_diff(f, "owner 2\npet 3\nzoo 1\n", "alpha 4\nowner 2\npet 0\n", "> ");
	fclose(f);
	CU_ASSERT_EQUAL(lines, 3);
	CU_ASSERT_STRING_EQUAL(d, "> alpha: no table -> 4 rows\n> pet: 3 rows -> 0 rows\n"
				  "> zoo: 1 rows -> no table\n");
	CU_ASSERT_EQUAL(vh_catalog_row_counts_diff(NULL, a, a, NULL), 0);
	free(d);
	free(a);
	CAT_EXEC("TRUNCATE flow_a.pet, flow_a.owner, flow_a.alembic_version");
}

static void add_suites(void)
{
	CU_pSuite s = CU_add_suite("catalog", cat_init, cat_clean);

	CU_add_test(s, "a missing schema is empty", test_missing_schema);
	CU_add_test(s, "what each kind of object reads as", test_entries);
	CU_add_test(s, "order and text form", test_order_and_text);
	CU_add_test(s, "two schemas with the same DDL are equal", test_two_schemas_equal);
	CU_add_test(s, "diff lines", test_diff_lines);
	CU_add_test(s, "search_path and transactions left alone", test_session_untouched);
	CU_add_test(s, "row counts", test_row_counts);
	CU_add_test(s, "errors", test_error);
}

int main(void)
{
	return vh_test_main(add_suites);
}
