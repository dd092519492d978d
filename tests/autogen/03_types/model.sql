-- Widening (smallint -> integer, varchar(10) -> varchar(40), more numeric
-- digits) needs no review; narrowing (text -> varchar(5), bigint ->
-- integer), a change of kind (integer -> boolean) and a new collation do.
CREATE TABLE t (
  id integer PRIMARY KEY,
  small integer,
  name character varying(40),
  code character varying(5),
  price numeric(10, 2),
  flag boolean,
  label text COLLATE "POSIX",
  big integer
);
