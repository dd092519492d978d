CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, owner_name text) PARTITION BY RANGE (at);
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE FUNCTION is_owner(name text) RETURNS boolean LANGUAGE sql STABLE AS 'SELECT name = current_user';
CREATE TABLE docs (id int PRIMARY KEY, owner_name text);
ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
CREATE POLICY p_owner ON docs USING (is_owner(owner_name));
