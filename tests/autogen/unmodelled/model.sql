-- Only kinds autogenerate does not generate differ here: it must name each
-- of them rather than report no changes.
CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
CREATE TABLE docs (id int PRIMARY KEY, owner_name text, n positive);
ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (id);
CREATE FUNCTION is_owner(name text) RETURNS boolean LANGUAGE sql STABLE AS 'SELECT name = current_user';
CREATE POLICY p_owner ON docs USING (is_owner(owner_name) OR owner_name IS NULL);
CREATE AGGREGATE total(integer) (SFUNC = int4pl, STYPE = integer, INITCOND = '0');
GRANT SELECT ON docs TO PUBLIC;
REVOKE EXECUTE ON FUNCTION is_owner(text) FROM PUBLIC;
CREATE STATISTICS st_docs (dependencies) ON id, owner_name FROM docs;
