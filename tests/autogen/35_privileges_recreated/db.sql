CREATE TABLE t (id int, a int, b text);
CREATE VIEW v AS SELECT id, a FROM t;
GRANT SELECT ON v TO vh_test_reader;
GRANT SELECT (id) ON v TO vh_test_writer;
CREATE FUNCTION f() RETURNS integer LANGUAGE sql AS 'SELECT 1';
REVOKE EXECUTE ON FUNCTION f() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION f() TO vh_test_reader;
GRANT UPDATE (b) ON t TO vh_test_writer;
