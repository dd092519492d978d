-- --no-online: the same kinds of change as 40..42, as one plain revision.
CREATE TABLE t (id integer PRIMARY KEY, a integer NOT NULL, b text,
  CONSTRAINT ck_t_a CHECK (a >= 0));
CREATE INDEX ix_t_a ON t (a);
