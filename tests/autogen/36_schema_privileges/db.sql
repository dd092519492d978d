CREATE TABLE t (id int);
CREATE TABLE u (id int);
GRANT USAGE ON SCHEMA ag_36_schema_privileges TO vh_test_writer;
GRANT CREATE ON SCHEMA ag_36_schema_privileges TO vh_test_reader WITH GRANT OPTION;
GRANT SELECT ON u TO vh_test_writer;
COMMENT ON SCHEMA ag_36_schema_privileges IS 'old comment';
