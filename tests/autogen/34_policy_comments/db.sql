CREATE TABLE docs (id int);
CREATE POLICY p_a ON docs USING (true);
CREATE POLICY p_b ON docs USING (true);
CREATE POLICY p_c ON docs USING (true);
COMMENT ON POLICY p_a ON docs IS 'old comment';
COMMENT ON POLICY p_c ON docs IS 'goes';
CREATE POLICY p_e ON docs FOR SELECT USING (true);
COMMENT ON POLICY p_e ON docs IS 'kept';
