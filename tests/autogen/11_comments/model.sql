-- Comments changed, removed and added on a table, columns, an index and a
-- constraint, and on a new table.
CREATE TABLE t (a integer, b text, CONSTRAINT ck_t_a CHECK (a > 0));
CREATE INDEX ix_t_b ON t (b);
COMMENT ON TABLE t IS 'new table comment';
COMMENT ON COLUMN t.b IS 'b''s comment, with */ inside';
COMMENT ON INDEX ix_t_b IS 'changed index comment';
COMMENT ON CONSTRAINT ck_t_a ON t IS 'positive';
CREATE TABLE n (x integer);
COMMENT ON TABLE n IS 'a new table';
COMMENT ON COLUMN n.x IS 'x';
