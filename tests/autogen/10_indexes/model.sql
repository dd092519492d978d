-- Columns reordered, uniqueness dropped, method changed, predicate
-- changed, expression changed, one dropped, one added with ordering and
-- INCLUDE columns.
CREATE TABLE t (id integer, a text, b integer);
CREATE INDEX ix_plain ON t (a);
CREATE INDEX ix_cols ON t (b, a);
CREATE INDEX ix_unique ON t (b);
CREATE INDEX ix_method ON t USING hash (b);
CREATE INDEX ix_partial ON t (a) WHERE b > 10;
CREATE INDEX ix_expr ON t (upper(a));
CREATE INDEX ix_new ON t (a DESC NULLS LAST) INCLUDE (b);
