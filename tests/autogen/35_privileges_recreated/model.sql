-- Objects dropped and created again lose their privileges: a view whose
-- definition changes and a function whose result type changes get theirs
-- (column privileges too) granted again, and the function's EXECUTE for
-- PUBLIC, which every new function gets, revoked again. A dropped
-- column's privilege is revoked before the column goes.
CREATE TABLE t (id int, a int);
CREATE VIEW v AS SELECT id, a, a + 1 AS a1 FROM t;
GRANT SELECT ON v TO vh_test_reader;
GRANT SELECT (id) ON v TO vh_test_writer;
CREATE FUNCTION f() RETURNS bigint LANGUAGE sql AS 'SELECT 1::bigint';
REVOKE EXECUTE ON FUNCTION f() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION f() TO vh_test_reader;
