-- The column a view reads changes type and another column goes: the views
-- over the table, and the view over that view, are dropped before and
-- created after; a view that reads nothing of it stays.
CREATE TABLE t (id int PRIMARY KEY, amount bigint);
CREATE VIEW v_amount AS SELECT id, amount FROM t;
CREATE VIEW v_over AS SELECT id FROM v_amount;
CREATE VIEW v_other AS SELECT 1 AS one;
