CREATE TYPE level AS ENUM ('low', 'high');
CREATE TABLE item (id integer, name text, lvl level, old_lvl level);
CREATE INDEX ix_item_name ON item (name);
CREATE TABLE tag (id integer PRIMARY KEY, item_id integer);
INSERT INTO item SELECT g, 'n' || g, 'low' FROM generate_series(1, 10) g;
INSERT INTO tag SELECT g, g FROM generate_series(1, 10) g;
