CREATE TABLE t (
  id integer PRIMARY KEY, a text, b text, c text,
  CONSTRAINT t_b_c_key UNIQUE (c, b),
  CONSTRAINT t_c_key UNIQUE NULLS NOT DISTINCT (c)
);
