-- Privileges on tables, columns, sequences, views and routines, per
-- grantee and privilege: one revoked (INSERT), a grant option dropped, a
-- column added to a column grant, new grants (a quoted role, PUBLIC), the
-- default EXECUTE for PUBLIC given back, a new function without it, a
-- dropped table whose grant goes with it; on types: an enum's USAGE for
-- PUBLIC revoked and given to a role, a domain's grant revoked, a new
-- composite type without USAGE for PUBLIC.
CREATE TABLE docs (id int PRIMARY KEY, title text, secret text);
CREATE SEQUENCE doc_ids;
CREATE VIEW v_docs AS SELECT id, title FROM docs;
CREATE FUNCTION doc_count() RETURNS bigint LANGUAGE sql STABLE AS 'SELECT count(*) FROM docs';
CREATE FUNCTION guarded() RETURNS integer LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION locked() RETURNS integer LANGUAGE sql AS 'SELECT 2';
REVOKE EXECUTE ON FUNCTION locked() FROM PUBLIC;
CREATE TABLE fresh (id int);
GRANT SELECT ON docs TO vh_test_reader;
GRANT SELECT ON v_docs TO vh_test_writer;
GRANT UPDATE (title, secret) ON docs TO vh_test_writer;
GRANT USAGE, SELECT ON SEQUENCE doc_ids TO vh_test_reader;
GRANT EXECUTE ON FUNCTION doc_count() TO vh_test_reader;
GRANT SELECT, DELETE ON fresh TO "vh_test_Mixed Case";
GRANT SELECT ON v_docs TO PUBLIC;
CREATE TYPE mood AS ENUM ('calm', 'angry');
REVOKE USAGE ON TYPE mood FROM PUBLIC;
GRANT USAGE ON TYPE mood TO vh_test_reader;
CREATE DOMAIN code AS text;
CREATE TYPE pair AS (a int, b int);
REVOKE USAGE ON TYPE pair FROM PUBLIC;
