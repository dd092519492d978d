-- A body change (CREATE OR REPLACE), a result type change (drop and
-- create), an overload, a dropped function, a procedure changed, a new one.
CREATE FUNCTION add_one(i integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT i + 1 + 0';
CREATE FUNCTION add_one(i bigint) RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT i + 1';
CREATE FUNCTION kind_changes(i integer) RETURNS bigint LANGUAGE sql AS 'SELECT i::bigint';
CREATE PROCEDURE tidy() LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'tidy'; END $$;
CREATE PROCEDURE fresh(n integer) LANGUAGE sql AS 'SELECT n';
COMMENT ON FUNCTION add_one(bigint) IS 'the bigint one';
