-- Schemas besides the target, written IF NOT EXISTS (the database is
-- shared with the model): one the model creates (and the downgrade
-- drops), one the database has, named IF NOT EXISTS, whose comment changes.
-- Schemas the model does not name (ag_* of the other cases) are left alone.
CREATE SCHEMA IF NOT EXISTS ag27_new;
COMMENT ON SCHEMA ag27_new IS 'made by the model';
CREATE SCHEMA IF NOT EXISTS ag27_kept;
COMMENT ON SCHEMA ag27_kept IS 'new comment';
CREATE TABLE t (id int PRIMARY KEY);
