CREATE TABLE t (
  id integer PRIMARY KEY,
  small smallint,
  name character varying(10),
  code text,
  price numeric(8, 2),
  flag integer,
  label text COLLATE "C",
  big bigint
);
