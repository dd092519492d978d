/* ecf5acd6708d_make_password_changed_at_nullable.c - an account may have no
 * password-change time at all. */
#include <vhost/sdk.h>

VHOST_REVISION("ecf5acd6708d", "3cfc87221979",
	       "make password_changed_at nullable");

VHOST_DESCRIPTION(
	"Drops NOT NULL from users.password_changed_at; the default now() "
	"stays. Accounts that sign in through an external identity provider "
	"(auth_provider other than 'local'), system accounts and legacy imports "
	"have no password whose age means anything, and NULL says so where a "
	"made-up timestamp would mislead the password policy. Downgrade first "
	"gives every NULL the account's created_at - a password cannot have "
	"changed before the account existed, so that is the one value that is "
	"never a claim of a change that did not happen - and then sets NOT NULL "
	"again, so it succeeds on a database with data.");

/* Only a catalog change: no rewrite, no scan. */
int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx,
		       "ALTER TABLE users\n"
		       "  ALTER COLUMN password_changed_at DROP NOT NULL\n");
}

/* SET NOT NULL scans users under an ACCESS EXCLUSIVE lock to check every
 * row, which is why the backfill comes first, in the same transaction: a
 * NULL left behind would make the ALTER fail and roll the whole step back. */
int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx,
		       "UPDATE users SET password_changed_at = created_at\n"
		       "  WHERE password_changed_at IS NULL;\n"
		       "ALTER TABLE users\n"
		       "  ALTER COLUMN password_changed_at SET NOT NULL;\n");
}
