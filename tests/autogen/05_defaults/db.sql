CREATE TABLE t (id integer, a text DEFAULT 'x', b timestamp with time zone, c integer DEFAULT 1,
  d text DEFAULT 'same');
