-- SET NOT NULL on existing columns through CHECK (col IS NOT NULL) NOT
-- VALID, validated, then SET NOT NULL and the check dropped; a quoted
-- column name gets a quoted check name. note stays nullable.
CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL, "Nick Name" text NOT NULL, note text);
