CREATE FUNCTION can_see(lvl integer) RETURNS boolean LANGUAGE sql STABLE AS 'SELECT lvl > 0';
CREATE FUNCTION old_rule(t text) RETURNS boolean LANGUAGE sql AS 'SELECT t IS NOT NULL';
CREATE TABLE docs (id int PRIMARY KEY, level int, owner_name varchar(20));
ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
CREATE POLICY p_see ON docs USING (can_see(level));
CREATE POLICY p_owner ON docs USING (owner_name = current_user);
CREATE POLICY p_old ON docs USING (old_rule(owner_name));
