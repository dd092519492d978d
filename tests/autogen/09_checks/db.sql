CREATE TABLE t (
  a integer, b text,
  CONSTRAINT ck_a CHECK (a > 0),
  CONSTRAINT ck_b CHECK (b <> ''),
  CONSTRAINT ck_gone CHECK (a < 100)
);
