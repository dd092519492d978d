CREATE TABLE t (id integer, old_name text);
CREATE TABLE old_table (id integer);
