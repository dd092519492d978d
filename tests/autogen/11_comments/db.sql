CREATE TABLE t (a integer, b text, CONSTRAINT ck_t_a CHECK (a > 0));
CREATE INDEX ix_t_b ON t (b);
COMMENT ON TABLE t IS 'old table comment';
COMMENT ON COLUMN t.a IS 'a''s comment';
COMMENT ON INDEX ix_t_b IS 'index comment';
