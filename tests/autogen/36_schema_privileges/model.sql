-- Privileges on the schema itself. A model names the schema it describes
-- (the target) in GRANT ... ON SCHEMA and GRANT ... ON ALL ... IN SCHEMA;
-- vhost runs those statements against its scratch schema, and the revision
-- names whatever schema it runs in (vh_execf with vh_schema). One grantee
-- loses USAGE, one keeps CREATE without its grant option and gains USAGE,
-- a quoted role gains USAGE; ON ALL TABLES grants on what exists by then.
-- The schema's comment (COMMENT ON SCHEMA naming it) is compared too.
CREATE TABLE t (id int);
CREATE TABLE u (id int);
GRANT USAGE, CREATE ON SCHEMA ag_36_schema_privileges TO vh_test_reader;
GRANT USAGE ON SCHEMA "ag_36_schema_privileges" TO "vh_test_Mixed Case";
GRANT SELECT ON ALL TABLES IN SCHEMA ag_36_schema_privileges TO vh_test_writer;
COMMENT ON SCHEMA ag_36_schema_privileges IS 'the schema''s new comment, 100%';
