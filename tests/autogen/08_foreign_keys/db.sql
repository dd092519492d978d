CREATE TABLE parent (id integer PRIMARY KEY, code text UNIQUE);
CREATE TABLE child (
  id integer PRIMARY KEY,
  p_id integer,
  p_code text,
  other integer,
  CONSTRAINT child_p_id_fkey FOREIGN KEY (p_id) REFERENCES parent (id),
  CONSTRAINT child_p_code_fkey FOREIGN KEY (p_code) REFERENCES parent (code) ON UPDATE CASCADE,
  CONSTRAINT child_other_fkey FOREIGN KEY (other) REFERENCES parent (id)
);
