/* cmd_ensure_version.c - `vhost ensure_version`: creates the version table
 * (and vhost's history table beside it) when missing, and runs nothing else,
 * as `alembic ensure_version` does; under the migration lock, as a run. */
#include "vh_cmd.h"
#include "vh_error.h"
#include "vh_lock.h"
#include "vh_tables.h"

int vh_cmd_ensure_version(vh_app *app, int argc, char **argv)
{
	const char *val;
	int pos = 1, id, rc;
	PGconn *conn = NULL;
	vh_lock lock = {0};
	vh_tables t;
	int lrc;

	if ((id = vh_cmd_next(argc, argv, &pos, NULL, &val)) != -1)
		return id == 0 ? vh_error_set(VH_ERR_USAGE, "ensure_version: unexpected argument '%s'", val)
			       : id;
	if ((rc = vh_tables_init(&t, app->cfg)) < 0)
		return rc;
	if ((rc = vh_app_conn(app, &conn)) == 0 && (rc = vh_lock_take(&lock, app, conn, &t, 0)) == 0)
		rc = vh_tables_ensure(conn, &t);
	if (conn && (lrc = vh_lock_release(&lock, conn)) < 0 && rc == 0)
		rc = lrc;
	if (rc == 0)
		vh_app_info(app, "Version table %s is there (history in %s).", t.vt_display, t.ht_display);
	vh_tables_clear(&t);
	return rc;
}
