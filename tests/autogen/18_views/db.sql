CREATE TABLE t (id int PRIMARY KEY, name text, active boolean);
CREATE VIEW v_changed AS SELECT id FROM t;
CREATE VIEW v_gone AS SELECT name FROM t;
CREATE VIEW v_over_changed AS SELECT id FROM v_changed;
CREATE MATERIALIZED VIEW mv AS SELECT id, name FROM t;
CREATE INDEX ix_mv_id ON mv (id);
COMMENT ON COLUMN v_over_changed.id IS 'kept through the recreate';
COMMENT ON COLUMN v_gone.name IS 'goes with its view';
ALTER VIEW v_over_changed ALTER COLUMN id SET DEFAULT 0;
