-- Indexes dropped from tables that stay, CONCURRENTLY: before the change
-- (ix_child_note, whose comment and CLUSTER ON come back on the way down;
-- ix_child_legacy, whose column the change drops: dropped once; the old
-- ix_child_code, created again with new columns after the change), and
-- after it (ix_parent_code, unique: the foreign key the change drops
-- depends on it). ix_parent_alt is such an index too, but on a column the
-- change drops: it goes with the column. The index of a dropped table goes
-- with the table.
CREATE TABLE parent (id integer PRIMARY KEY, code text);
CREATE TABLE child (id integer PRIMARY KEY, code text, alt text, note text);
CREATE INDEX ix_child_code ON child (code, id);
