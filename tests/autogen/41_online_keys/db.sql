CREATE TABLE parent (id integer PRIMARY KEY);
CREATE TABLE child (id integer PRIMARY KEY, parent_id integer, qty integer);
INSERT INTO parent VALUES (1), (2);
INSERT INTO child VALUES (1, 1, 5), (2, 2, 7);
