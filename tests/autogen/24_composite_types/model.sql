-- Composite types: attributes dropped, retyped and added in place; a type
-- whose attributes are reordered (recreated); a new type used by a new
-- table (created first); one dropped; a comment changed.
CREATE TYPE pair AS (a bigint, c text COLLATE "C");
CREATE TYPE reordered AS (y integer, x integer);
CREATE TYPE point3 AS (x float8, y float8, z float8);
CREATE TABLE shapes (id int PRIMARY KEY, at point3);
COMMENT ON TYPE pair IS 'a better pair';
