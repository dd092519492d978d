CREATE TABLE parent (
  id integer CONSTRAINT pk_parent PRIMARY KEY,
  code text CONSTRAINT uq_parent_code UNIQUE
);
CREATE TABLE child (
  id integer PRIMARY KEY,
  p integer CONSTRAINT fk_child_p REFERENCES parent (id),
  c text CONSTRAINT fk_child_c REFERENCES parent (code)
);
