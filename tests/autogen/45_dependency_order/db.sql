CREATE TABLE old_items (id integer);
CREATE FUNCTION old_count() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM old_items; END;
