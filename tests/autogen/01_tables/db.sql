-- Two tables that go, referring to each other (so they cannot simply be
-- dropped in some order) and to a table that stays.
CREATE TABLE keep (id integer PRIMARY KEY, name text);
CREATE TABLE old_parent (id integer PRIMARY KEY);
CREATE TABLE old_child (
  id integer PRIMARY KEY,
  parent_id integer REFERENCES old_parent (id),
  keep_id integer REFERENCES keep (id)
);
ALTER TABLE old_parent ADD COLUMN child_id integer REFERENCES old_child (id);
CREATE INDEX old_child_keep_id_idx ON old_child (keep_id);
