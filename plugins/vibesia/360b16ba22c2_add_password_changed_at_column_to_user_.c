/* 360b16ba22c2_add_password_changed_at_column_to_user_.c - records when each
 * user last changed their password. */
#include <vhost/sdk.h>

VHOST_REVISION("360b16ba22c2", "1f0e2d3c4b5a",
	       "add password_changed_at column to user table");

VHOST_DESCRIPTION(
	"Adds users.password_changed_at (timestamp with time zone, NOT NULL, "
	"default now()) so that security audits can tell how old a password is "
	"and the password policy can ask for a change after a set age. Existing "
	"accounts get the time of the migration, which starts every account's "
	"clock afresh rather than inventing a history we do not have. "
	"Downgrade drops the column and its values.");

/* Since PostgreSQL 11, adding a column with a non-volatile default does not
 * rewrite the table: now() is evaluated once, at the start of the migration's
 * transaction, and stored as the column's "missing value", so this is a
 * catalog change that takes a brief ACCESS EXCLUSIVE lock on users and
 * nothing more, however many accounts there are. */
int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx,
		       "ALTER TABLE users\n"
		       "  ADD COLUMN password_changed_at timestamp with time zone\n"
		       "  NOT NULL DEFAULT now()\n");
}

/* The values are lost; they cannot be derived from anything else. */
int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "ALTER TABLE users DROP COLUMN password_changed_at\n");
}
