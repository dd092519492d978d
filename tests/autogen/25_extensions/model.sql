-- Extensions: one kept (the model names it IF NOT EXISTS, as it exists),
-- its comment changed; one added with an index using its operator class;
-- one dropped. The extensions' own types and functions are not diffed.
CREATE EXTENSION IF NOT EXISTS hstore;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE kv (id int PRIMARY KEY, attrs hstore, name text);
CREATE INDEX ix_kv_name ON kv USING gin (name gin_trgm_ops);
COMMENT ON EXTENSION hstore IS 'key/value pairs';
