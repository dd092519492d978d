CREATE TYPE pair AS (a integer, b text);
CREATE TYPE reordered AS (x integer, y integer);
CREATE TYPE gone AS (v integer);
COMMENT ON TYPE pair IS 'a pair';
