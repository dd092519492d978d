CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
CREATE TABLE docs (id int PRIMARY KEY, owner_name text, n positive);
CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);
CREATE FUNCTION is_owner(name text) RETURNS boolean LANGUAGE sql STABLE AS 'SELECT name = current_user';
CREATE POLICY p_owner ON docs USING (is_owner(owner_name));
CREATE AGGREGATE total(integer) (SFUNC = int4pl, STYPE = integer);
CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x;
CREATE INDEX ix_mv ON mv (x);
