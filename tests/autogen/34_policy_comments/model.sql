-- Comments on policies: changed, added, removed, on a new policy, and on a
-- policy that is dropped and created again (its comment comes back).
CREATE TABLE docs (id int);
CREATE POLICY p_a ON docs USING (true);
CREATE POLICY p_b ON docs USING (true);
CREATE POLICY p_c ON docs USING (true);
CREATE POLICY p_d ON docs USING (true);
COMMENT ON POLICY p_a ON docs IS 'new comment, it''s quoted';
COMMENT ON POLICY p_b ON docs IS 'added';
COMMENT ON POLICY p_d ON docs IS 'on a new policy';
CREATE POLICY p_e ON docs FOR UPDATE USING (true);
COMMENT ON POLICY p_e ON docs IS 'kept';
