CREATE TABLE docs (id int PRIMARY KEY, owner_name text, level int);
ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
CREATE POLICY p_roles ON docs TO vh_test_reader USING (level > 0);
CREATE POLICY p_cmd ON docs FOR SELECT USING (true);
CREATE POLICY p_gone ON docs USING (level = 1);
CREATE POLICY p_check ON docs FOR INSERT WITH CHECK (level < 10);
CREATE POLICY p_restr ON docs AS RESTRICTIVE USING (owner_name IS NOT NULL);
CREATE POLICY p_lose ON docs FOR UPDATE USING (level > 0) WITH CHECK (level > 0);
