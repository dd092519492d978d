-- Identity added, changed (by default -> always) and dropped; a serial
-- column that stays serial is no change (its sequence is not compared).
CREATE TABLE t (
  id integer GENERATED ALWAYS AS IDENTITY,
  b integer GENERATED ALWAYS AS IDENTITY,
  c integer NOT NULL,
  s serial
);
