-- A view changed (and the view over it recreated with it), a view dropped,
-- one created over another new one with options, a materialized view whose
-- index changes, a comment on a view; comments on view columns (one set
-- again after its view is recreated) and on a materialized view's index,
-- view column defaults (one set again, one new).
CREATE TABLE t (id int PRIMARY KEY, name text, active boolean);
CREATE VIEW v_changed AS SELECT id, name FROM t;
CREATE VIEW v_over_changed AS SELECT id FROM v_changed;
CREATE VIEW v_active AS SELECT id, name FROM t WHERE active;
CREATE VIEW v_names WITH (security_invoker = true) AS SELECT name FROM v_active;
CREATE MATERIALIZED VIEW mv AS SELECT id, name FROM t;
CREATE UNIQUE INDEX ix_mv_id ON mv (id);
COMMENT ON VIEW v_active IS 'active rows';
COMMENT ON COLUMN v_over_changed.id IS 'kept through the recreate';
COMMENT ON COLUMN v_active.name IS 'shown';
COMMENT ON INDEX ix_mv_id IS 'by id';
ALTER VIEW v_over_changed ALTER COLUMN id SET DEFAULT 0;
ALTER VIEW v_active ALTER COLUMN name SET DEFAULT 'anonymous';
