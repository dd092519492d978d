-- A partition's own column defaults and NOT NULL, beside its parent's:
-- the parent's default changes (ALTER COLUMN on the parent reaches every
-- partition, so m2's own default is set again after it), m1 gets a default
-- and NOT NULL of its own, m2 loses its own NOT NULL, and the new m3 is
-- created and then given its own default.
CREATE TABLE m (id int NOT NULL, v int DEFAULT 2, w text, z int) PARTITION BY RANGE (id);
CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);
CREATE TABLE m2 PARTITION OF m FOR VALUES FROM (10) TO (20);
CREATE TABLE m3 PARTITION OF m FOR VALUES FROM (20) TO (30);
ALTER TABLE m1 ALTER COLUMN w SET DEFAULT 'one';
ALTER TABLE m1 ALTER COLUMN w SET NOT NULL;
ALTER TABLE m2 ALTER COLUMN v SET DEFAULT 7;
ALTER TABLE m3 ALTER COLUMN w SET DEFAULT 'three';
