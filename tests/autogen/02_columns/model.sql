-- Columns added (nullable, with a default, NOT NULL with a default, stored
-- generated) and dropped, also with names that need quoting.
CREATE TABLE t (
  id integer PRIMARY KEY,
  a text,
  added text DEFAULT 'n/a',
  added_nn integer NOT NULL DEFAULT 0,
  doubled integer GENERATED ALWAYS AS (id * 2) STORED
);
CREATE TABLE "Odd Name" ("Mixed Case" integer, "New Col" numeric(6, 2));
