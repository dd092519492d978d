-- Every step of the online plan at once: a label added (used by a new
-- column of the type; a column of the type dropped, so the change's
-- downgrade takes the label back, before it adds the column again), an
-- index dropped and one built, a primary key on an existing table and the
-- foreign key that refers to it.
CREATE TYPE level AS ENUM ('low', 'mid', 'high');
CREATE TABLE item (id integer PRIMARY KEY, name text, lvl level, floor level DEFAULT 'mid');
CREATE INDEX ix_item_lower_name ON item (lower(name));
CREATE TABLE tag (id integer PRIMARY KEY, item_id integer CONSTRAINT fk_tag_item REFERENCES item (id));
