/* 3cfc87221979_set_on_delete_set_null_for_audit_log_.c - audit entries
 * outlive the user they are about. Under Alembic this revision was an empty
 * placeholder; this is the change it was reserved for. */
#include <vhost/sdk.h>

VHOST_REVISION("3cfc87221979", "2d12193b6184",
	       "set on delete set null for audit_log app_user_id");

VHOST_DESCRIPTION(
	"Makes audit_log.app_user_id ON DELETE SET NULL. After 2d12193b6184 a "
	"user's own data goes with the account, but the audit trail must not: "
	"it records what happened (logins, password and subscription changes) "
	"and is kept for security and compliance even when the account is "
	"erased. With no action on the foreign key, deleting any user who ever "
	"logged in failed; now the entries stay and lose only the link to the "
	"person. ix_audit_log_app_user_id, from the initial schema, already "
	"serves the lookup. The Alembic-era revision of this id was a "
	"placeholder with no operations: a database that ran it records this "
	"revision but still has the old constraint, and vhost will not run it "
	"again (docs/vibesia-migrations.md says how to bring such a database in "
	"line). Downgrade restores the foreign key with no action; entries "
	"already anonymised keep their NULL, which that constraint allows.");

VHOST_LINT_IGNORE("constraint-not-valid",
		  "the key replaces an identical one on the same column (only ON DELETE changes), so "
		  "no audit_log row can fail the re-check; it runs in one short transaction");

/* One ALTER TABLE: audit_log is locked once and never without the
 * constraint. The re-check of existing rows cannot fail (same columns,
 * same referenced key). */
int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx,
		       "ALTER TABLE audit_log\n"
		       "  DROP CONSTRAINT fk_audit_log_app_user_id_users,\n"
		       "  ADD CONSTRAINT fk_audit_log_app_user_id_users\n"
		       "    FOREIGN KEY (app_user_id) REFERENCES users (user_id)\n"
		       "    ON DELETE SET NULL\n");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx,
		       "ALTER TABLE audit_log\n"
		       "  DROP CONSTRAINT fk_audit_log_app_user_id_users,\n"
		       "  ADD CONSTRAINT fk_audit_log_app_user_id_users\n"
		       "    FOREIGN KEY (app_user_id) REFERENCES users (user_id)\n");
}
