CREATE TABLE t (id integer, a text, b integer);
CREATE INDEX ix_plain ON t (a);
CREATE INDEX ix_cols ON t (a, b);
CREATE UNIQUE INDEX ix_unique ON t (b);
CREATE INDEX ix_method ON t (b);
CREATE INDEX ix_partial ON t (a) WHERE b > 0;
CREATE INDEX ix_expr ON t (lower(a));
CREATE INDEX ix_gone ON t (id);
