-- Renames are not guessed: a drop and an add each, and the generated code
-- says so.
CREATE TABLE t (id integer, new_name text);
CREATE TABLE new_table (id integer);
