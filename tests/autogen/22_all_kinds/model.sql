-- Every kind at once: an enum used by a column, a sequence used by a
-- default, a function a trigger calls, a view over a partitioned table, a
-- materialized view over the view, a policy that uses a function (the
-- policy stays as it is), an extension whose type a domain uses, a
-- composite type a function takes, a new partition of the partitioned
-- table the view reads, with row level security, a policy over that
-- function and a grant of its own; a new policy that uses a new function
-- over the new enum column, and grants on the view and on columns.
CREATE TYPE status AS ENUM ('draft', 'live');
CREATE SEQUENCE doc_numbers;
CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, owner_name text) PARTITION BY RANGE (at);
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE events_2027 PARTITION OF events FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');
CREATE EXTENSION IF NOT EXISTS citext;
CREATE DOMAIN email AS citext CONSTRAINT email_at CHECK (VALUE LIKE '%@%');
CREATE TYPE span AS (lo date, hi date);
CREATE FUNCTION span_days(s span) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT s.hi - s.lo';
CREATE FUNCTION is_owner(name text) RETURNS boolean LANGUAGE sql STABLE AS 'SELECT name = current_user';
CREATE TABLE docs (id int PRIMARY KEY, owner_name text, status status NOT NULL DEFAULT 'draft',
  number bigint DEFAULT nextval('doc_numbers'), changed timestamptz, contact email);
ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
CREATE POLICY p_owner ON docs USING (is_owner(owner_name));
CREATE FUNCTION docs_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.changed := now(); RETURN NEW; END $$;
CREATE TRIGGER trg_docs_changed BEFORE UPDATE ON docs FOR EACH ROW EXECUTE FUNCTION docs_changed();
CREATE VIEW recent_events AS SELECT id, at, owner_name FROM events WHERE at > DATE '2026-06-01';
CREATE MATERIALIZED VIEW event_owners AS SELECT DISTINCT owner_name FROM recent_events;
CREATE INDEX ix_event_owners ON event_owners (owner_name);
CREATE FUNCTION can_read(s status) RETURNS boolean LANGUAGE sql STABLE AS 'SELECT s = ''live''';
CREATE POLICY p_live ON docs FOR SELECT TO vh_test_reader USING (can_read(status));
GRANT SELECT ON recent_events TO vh_test_reader;
GRANT SELECT (id, status) ON docs TO vh_test_reader;
ALTER TABLE events_2027 ENABLE ROW LEVEL SECURITY;
CREATE POLICY p_span ON events_2027 FOR SELECT USING (span_days(ROW(at, at)::span) = 0);
GRANT SELECT ON events_2027 TO vh_test_reader;
