-- The keys the child's foreign keys depend on change (the primary key is
-- renamed, the unique constraint becomes a unique index of the same name):
-- the foreign keys, unchanged themselves, must be dropped first and added
-- back last, or PostgreSQL refuses to drop the keys from under them.
CREATE TABLE parent (
  id integer CONSTRAINT parent_pkey PRIMARY KEY,
  code text
);
CREATE UNIQUE INDEX uq_parent_code ON parent (code);
CREATE TABLE child (
  id integer PRIMARY KEY,
  p integer CONSTRAINT fk_child_p REFERENCES parent (id),
  c text CONSTRAINT fk_child_c REFERENCES parent (code)
);
