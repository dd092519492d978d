CREATE TABLE t (id int PRIMARY KEY, amount integer, gone text);
CREATE VIEW v_amount AS SELECT id, amount FROM t;
CREATE VIEW v_over AS SELECT id FROM v_amount;
CREATE VIEW v_other AS SELECT 1 AS one;
