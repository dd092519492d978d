-- Functions whose SQL-standard bodies read tables: the phases create
-- routines before tables and drop them after, pg_depend says otherwise.
-- items_count must follow items; old_count must go before old_items.
CREATE TABLE items (id integer, qty integer);
CREATE FUNCTION items_count() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM items; END;
CREATE VIEW v_items AS SELECT items_count() AS n;
