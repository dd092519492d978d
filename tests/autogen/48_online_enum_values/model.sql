-- New labels, one used by the change itself (a check): added in a
-- non-transactional revision before the change, so the change may use it
-- and needs no REVIEW note; that revision's downgrade takes them back.
CREATE TYPE status AS ENUM ('new', 'started', 'done', 'archived');
CREATE TABLE task (id integer PRIMARY KEY, s status DEFAULT 'new',
  CONSTRAINT ck_task_s CHECK (s <> 'archived'));
