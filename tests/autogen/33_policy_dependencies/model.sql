-- Policies and what they use: a function whose body changes (the policy
-- stays), a policy on a new function (created after it), a policy on a
-- dropped function (dropped before it), a policy over a column whose type
-- changes (dropped before the change, created again after).
CREATE FUNCTION can_see(lvl integer) RETURNS boolean LANGUAGE sql STABLE AS 'SELECT lvl > 1';
CREATE FUNCTION new_rule(t text) RETURNS boolean LANGUAGE sql AS 'SELECT t <> ''''';
CREATE TABLE docs (id int PRIMARY KEY, level int, owner_name text);
ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
CREATE POLICY p_see ON docs USING (can_see(level));
CREATE POLICY p_owner ON docs USING (owner_name = current_user);
CREATE POLICY p_new ON docs USING (new_rule(owner_name));
