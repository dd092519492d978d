CREATE TABLE t (
  id integer PRIMARY KEY, a text, b text, c text,
  CONSTRAINT t_a_key UNIQUE (a),
  CONSTRAINT t_b_c_key UNIQUE (b, c)
);
