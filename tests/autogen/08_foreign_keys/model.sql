-- ON DELETE added, ON UPDATE changed with ON DELETE SET NULL and
-- deferrability, one foreign key dropped and one added (to the child itself).
CREATE TABLE parent (id integer PRIMARY KEY, code text UNIQUE);
CREATE TABLE child (
  id integer PRIMARY KEY,
  p_id integer,
  p_code text,
  other integer,
  CONSTRAINT child_p_id_fkey FOREIGN KEY (p_id) REFERENCES parent (id) ON DELETE CASCADE,
  CONSTRAINT child_p_code_fkey FOREIGN KEY (p_code) REFERENCES parent (code)
    ON UPDATE RESTRICT ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT child_other_child_fkey FOREIGN KEY (other) REFERENCES child (id)
);
