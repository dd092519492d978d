-- Default privileges of the schema (ALTER DEFAULT PRIVILEGES IN SCHEMA,
-- naming the schema the model describes): one revoked, one losing its
-- grant option, new ones on tables, functions and types. Written first,
-- as in the database, they apply to what the model creates after them:
-- `kept` and the new `fresh` get SELECT for vh_test_reader from them, and
-- `kept` keeps the INSERT it got from the database's old default.
ALTER DEFAULT PRIVILEGES IN SCHEMA ag_37_default_privileges
  GRANT SELECT ON TABLES TO vh_test_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA ag_37_default_privileges
  GRANT USAGE ON SEQUENCES TO vh_test_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA ag_37_default_privileges
  GRANT EXECUTE ON FUNCTIONS TO "vh_test_Mixed Case";
ALTER DEFAULT PRIVILEGES IN SCHEMA ag_37_default_privileges
  GRANT USAGE ON TYPES TO vh_test_writer;
CREATE TABLE kept (id int);
GRANT INSERT ON kept TO vh_test_writer;
CREATE TABLE fresh (id int);
