/* 01_bodies - lint fixture for the parser: dollar-quoted bodies, comments and
 * a BEGIN ATOMIC body all hold text that would be a finding as a statement
 * of its own; only the last statement (DROP INDEX, statement 4) is one. */
#include <vhost/sdk.h>

VHOST_REVISION("bodies", NULL, "functions whose bodies mention destructive SQL");

int upgrade(vh_ctx *ctx)
{
	return vh_exec(ctx,
		       "-- a comment: DROP TABLE big; TRUNCATE big;\n"
		       "CREATE FUNCTION f_dollar() RETURNS void LANGUAGE plpgsql AS $body$\n"
		       "BEGIN\n"
		       "  DROP TABLE big; -- in the body, not a statement of the revision\n"
		       "  TRUNCATE big;\n"
		       "END\n"
		       "$body$;\n"
		       "/* a block comment: DROP SCHEMA lint_s CASCADE; */\n"
		       "CREATE FUNCTION f_atomic() RETURNS void LANGUAGE sql\n"
		       "BEGIN ATOMIC\n"
		       "  UPDATE big SET b = 1;\n"
		       "  DELETE FROM big;\n"
		       "END;\n"
		       "CREATE FUNCTION f_tagged() RETURNS text LANGUAGE sql AS $$ SELECT 'DROP TABLE big; $x$' $$;\n"
		       "DROP INDEX big_i");
}

int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx, "CREATE INDEX big_i ON big (a);\n"
			    "DROP FUNCTION f_tagged();\n"
			    "DROP FUNCTION f_atomic();\n"
			    "DROP FUNCTION f_dollar()");
}
