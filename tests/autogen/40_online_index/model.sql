-- New indexes on an existing table: built CONCURRENTLY, in a revision of
-- their own; the new table's index stays in the change.
CREATE TABLE t (id integer PRIMARY KEY, a integer, b text);
CREATE INDEX ix_t_a ON t (a);
CREATE UNIQUE INDEX ix_t_b ON t (b) WHERE b IS NOT NULL;
COMMENT ON INDEX ix_t_a IS 'by a';
CREATE TABLE fresh (id integer PRIMARY KEY, t_id integer);
CREATE INDEX ix_fresh_t ON fresh (t_id);
-- Grants, row level security and a policy stay in the change (revision 1),
-- on the new table as on the one whose indexes come later.
GRANT SELECT ON fresh TO vh_test_reader;
GRANT SELECT (a) ON t TO vh_test_reader;
ALTER TABLE t ENABLE ROW LEVEL SECURITY;
CREATE POLICY p_a ON t FOR SELECT TO vh_test_reader USING (a >= 0);
