-- New labels, used by the change itself (a check, the column's new
-- default): added in a non-transactional revision before the change, so
-- the change may use them and needs no REVIEW note; that revision's
-- downgrade takes them back (the type recreated, the column converted with
-- its default of then).
CREATE TYPE status AS ENUM ('new', 'started', 'done', 'archived');
CREATE TABLE task (id integer PRIMARY KEY, s status DEFAULT 'started',
  CONSTRAINT ck_task_s CHECK (s <> 'archived'));
