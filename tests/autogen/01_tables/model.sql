-- Two new tables referring to each other and to the table that stays.
CREATE TABLE keep (id integer PRIMARY KEY, name text);
CREATE TABLE new_a (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  keep_id integer NOT NULL REFERENCES keep (id),
  b_id bigint,
  label text NOT NULL DEFAULT 'x'
);
CREATE TABLE new_b (
  id bigserial PRIMARY KEY,
  a_id bigint REFERENCES new_a (id) ON DELETE CASCADE,
  parent_id bigint REFERENCES new_b (id)
);
ALTER TABLE new_a ADD CONSTRAINT new_a_b_id_fkey
  FOREIGN KEY (b_id) REFERENCES new_b (id) ON DELETE SET NULL;
CREATE INDEX new_a_keep_id_idx ON new_a (keep_id);
