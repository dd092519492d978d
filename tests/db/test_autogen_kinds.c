/* test_autogen_kinds.c - what the round trips of tests/autogen/ cannot
 * show for extensions: a version change (PostgreSQL's extensions ship no
 * scripts back down, so there is no downgrade to run), that the target's
 * extensions moved into the scratch schema while the model loads are back
 * where they were afterwards, even when the model commits, and that an
 * extension the model does not name is one to drop. */
#include <CUnit/CUnit.h>
#include <unistd.h>

/* The shared helpers this suite does not need are fine unused. */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "test_autogen_util.h"

static PGconn *ak_conn;

/* The schema `ag_ext` loaded from tests/autogen/extension_version/db.sql. */
static void ak_load(void)
{
	char path[512], *sql;

	snprintf(path, sizeof(path), "%s/extension_version/db.sql", AG_FIXTURES);
	CU_ASSERT_FATAL((sql = ag_read(path)) != NULL);
	ag_load(ak_conn, "ag_ext", sql);
	free(sql);
}

/* 1 when extension seg lives in schema ag_ext and column ranges.r uses it. */
static int ak_in_place(void)
{
	char *v = vh_test_value(ak_conn, "SELECT count(*) FROM pg_extension e"
					 " JOIN pg_namespace n ON n.oid = e.extnamespace"
					 " JOIN pg_attribute a ON a.attrelid = 'ag_ext.ranges'::regclass"
					 "  AND a.attname = 'r' AND a.atttypid = 'ag_ext.seg'::regtype"
					 " WHERE e.extname = 'seg' AND n.nspname = 'ag_ext'");
	int ok = v && strcmp(v, "1") == 0;

	free(v);
	return ok;
}

/* A model file holding `text`; the path is a static buffer. */
static const char *ak_model(const char *text)
{
	static char path[] = "/tmp/vh_ak_model_XXXXXX.sql";
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/vh_ak_model_XXXXXX.sql");
	CU_ASSERT_FATAL((fd = mkstemps(path, 4)) >= 0);
	CU_ASSERT_FATAL((f = fdopen(fd, "w")) != NULL);
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_version(void)
{
	char path[512];
	vh_diff *up = NULL, *down = NULL;

	ak_load();
	snprintf(path, sizeof(path), "%s/extension_version/model.sql", AG_FIXTURES);
	CU_ASSERT_FATAL(vh_autogen_diff(&up, &down, ak_conn, "ag_ext", path, ag_exclude) == 0);
	CU_ASSERT(ak_in_place());
	CU_ASSERT_FATAL(up->nops == 1 && down->nops == 1);
	CU_ASSERT_STRING_EQUAL(up->ops[0].sql, "ALTER EXTENSION seg UPDATE TO '1.4'");
	CU_ASSERT_STRING_EQUAL(down->ops[0].sql, "ALTER EXTENSION seg UPDATE TO '1.3'");
	CU_ASSERT(up->ops[0].review != NULL);
	CU_ASSERT(up->nunmodelled == 0 && down->nunmodelled == 0);
	vh_diff_free(up);
	vh_diff_free(down);

	/* Run it: nothing is left to do either way. */
	vh_test_exec(ak_conn, "SET search_path TO ag_ext; ALTER EXTENSION seg UPDATE TO '1.4';"
			      " RESET search_path");
	CU_ASSERT_FATAL(vh_autogen_diff(&up, &down, ak_conn, "ag_ext", path, ag_exclude) == 0);
	CU_ASSERT(up->nops == 0 && down->nops == 0);
	CU_ASSERT(ak_in_place());
	vh_diff_free(up);
	vh_diff_free(down);
}

/* A model that leaves the extension out drops it (after the column of its
 * type); one that commits is refused and leaves the extension where it was. */
static void test_undeclared_and_commit(void)
{
	vh_diff *up = NULL, *down = NULL;
	const char *path;

	ak_load();
	path = ak_model("CREATE TABLE ranges (id int PRIMARY KEY);\n");
	CU_ASSERT_FATAL(vh_autogen_diff(&up, &down, ak_conn, "ag_ext", path, ag_exclude) == 0);
	unlink(path);
	CU_ASSERT(ak_in_place());
	CU_ASSERT_FATAL(up->nops == 2);
	CU_ASSERT_STRING_EQUAL(up->ops[0].sql, "ALTER TABLE ranges DROP COLUMN r");
	CU_ASSERT_STRING_EQUAL(up->ops[1].sql, "DROP EXTENSION seg");
	CU_ASSERT(down->nops >= 2 && strstr(down->ops[0].sql, "CREATE EXTENSION IF NOT EXISTS seg"));
	vh_diff_free(up);
	vh_diff_free(down);

	path = ak_model("CREATE EXTENSION IF NOT EXISTS seg;\nCOMMIT;\n");
	CU_ASSERT(vh_autogen_diff(&up, &down, ak_conn, "ag_ext", path, ag_exclude) < 0);
	unlink(path);
	CU_ASSERT(ak_in_place());
}

static int ak_setup(void)
{
	ak_conn = vh_test_connect(vh_test_createdb("ag_test_autogen_kinds"));
	vh_test_exec(ak_conn, "SET client_min_messages = warning");
	return 0;
}

static int ak_teardown(void)
{
	PQfinish(ak_conn);
	ag_dropdb("ag_test_autogen_kinds");
	return 0;
}

static void ak_add_suites(void)
{
	CU_pSuite s = CU_add_suite("autogen extensions", ak_setup, ak_teardown);

	CU_add_test(s, "version change", test_version);
	CU_add_test(s, "undeclared extension, committing model", test_undeclared_and_commit);
}

int main(void)
{
	return vh_test_main(ak_add_suites);
}
