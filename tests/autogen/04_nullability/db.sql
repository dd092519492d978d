CREATE TABLE t (id integer, a text NOT NULL, b text);
