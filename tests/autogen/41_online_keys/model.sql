-- A foreign key and a check on an existing table: NOT VALID in the change,
-- validated in the revision after; those of a new table stay plain.
CREATE TABLE parent (id integer PRIMARY KEY);
CREATE TABLE child (id integer PRIMARY KEY, parent_id integer, qty integer,
  CONSTRAINT ck_child_qty CHECK (qty > 0),
  CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES parent (id));
CREATE TABLE grandchild (id integer PRIMARY KEY, child_id integer,
  CONSTRAINT ck_grandchild_id CHECK (id > 0),
  CONSTRAINT fk_grandchild_child FOREIGN KEY (child_id) REFERENCES child (id));
