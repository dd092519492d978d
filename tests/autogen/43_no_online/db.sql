CREATE TABLE t (id integer PRIMARY KEY, a integer, b text);
INSERT INTO t SELECT g, g % 7, 'x' || g FROM generate_series(1, 50) g;
