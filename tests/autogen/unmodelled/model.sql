-- Only kinds autogenerate does not generate differ here: it must name each
-- of them rather than report no changes. (Row level security, policies and
-- privileges on tables, routines and types are generated: see 30..34; domains and
-- partitions too: see 23 and 26.)
CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
CREATE TABLE docs (id int PRIMARY KEY, owner_name text, n positive);
CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (id);
CREATE FUNCTION is_owner(name text) RETURNS boolean LANGUAGE sql STABLE AS 'SELECT name = current_user';
CREATE POLICY p_owner ON docs USING (is_owner(owner_name));
CREATE AGGREGATE total(integer) (SFUNC = int4pl, STYPE = integer, INITCOND = '0');
CREATE STATISTICS st_docs (dependencies) ON id, owner_name FROM docs;
CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x;
CREATE INDEX ix_mv ON mv (x);
