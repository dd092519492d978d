-- A view and a function that need each other: v calls f, whose SQL-standard
-- body reads v. The model can build it (v first as a stand-in, then
-- replaced), but no order of CREATE statements can: an error, no revision.
CREATE TABLE keep (id integer);
CREATE VIEW v AS SELECT 1 AS x;
CREATE FUNCTION f() RETURNS integer LANGUAGE sql BEGIN ATOMIC SELECT x FROM v; END;
CREATE OR REPLACE VIEW v AS SELECT f() AS x;
