-- Settings of tables and columns that are no object of their own: a
-- column's STORAGE, COMPRESSION and STATISTICS target set, changed and
-- put back to the default; CLUSTER ON moved to another index; REPLICA
-- IDENTITY from FULL to a new unique index (built concurrently on the
-- existing table, the setting after it in the same revision); a retyped
-- column keeps its STORAGE (ALTER COLUMN TYPE resets it: set again); a new
-- table with a setting.
CREATE TABLE a (id int PRIMARY KEY, doc text, note text, n int);
ALTER TABLE a ALTER COLUMN doc SET STORAGE EXTERNAL;
ALTER TABLE a ALTER COLUMN doc SET COMPRESSION pglz;
ALTER TABLE a ALTER COLUMN n SET STATISTICS 500;
CREATE INDEX ix_a_n ON a (n);
ALTER TABLE a CLUSTER ON a_pkey;
CREATE TABLE b (id int NOT NULL, v text);
ALTER TABLE b ALTER COLUMN v SET STORAGE EXTERNAL;
CREATE UNIQUE INDEX ux_b_id ON b (id);
ALTER TABLE b REPLICA IDENTITY USING INDEX ux_b_id;
CREATE TABLE c (id int, body text);
ALTER TABLE c ALTER COLUMN body SET STORAGE MAIN;
