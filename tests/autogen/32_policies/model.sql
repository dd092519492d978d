-- Policies: roles and USING changed (ALTER POLICY), WITH CHECK changed
-- (ALTER POLICY), the command changed or a clause removed (dropped and
-- created again), one dropped, one added (restrictive, for one command),
-- one unchanged.
CREATE TABLE docs (id int PRIMARY KEY, owner_name text, level int);
ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
CREATE POLICY p_roles ON docs TO vh_test_reader, vh_test_writer USING (level > 1);
CREATE POLICY p_cmd ON docs FOR UPDATE USING (true) WITH CHECK (level > 0);
CREATE POLICY p_check ON docs FOR INSERT WITH CHECK (level < 20);
CREATE POLICY p_restr ON docs AS RESTRICTIVE USING (owner_name IS NOT NULL);
CREATE POLICY p_lose ON docs FOR UPDATE USING (level > 0);
CREATE POLICY p_new ON docs AS RESTRICTIVE FOR DELETE TO PUBLIC USING (level < 5);
