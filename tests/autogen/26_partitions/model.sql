-- Partitioned tables: a column added to a parent (its partitions follow),
-- a partition added with a constraint of its own, one detached (kept as a
-- table), a table attached as a partition, a partitioned table dropped with
-- its partitions and its index, and a new one with a primary key, a
-- sub-partitioned partition, a default partition and an index: the
-- partitions' copies of the key and index are not diffed again.
CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, note text, kind text) PARTITION BY RANGE (at);
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE events_2027 PARTITION OF events (CONSTRAINT ck_2027 CHECK (id > 0))
  FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');
CREATE TABLE events_old PARTITION OF events FOR VALUES FROM ('2020-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 (id bigint NOT NULL, at date NOT NULL, note text, kind text);
CREATE TABLE metrics (id int NOT NULL, region text NOT NULL, CONSTRAINT pk_metrics PRIMARY KEY (id, region))
  PARTITION BY LIST (region);
CREATE TABLE metrics_eu PARTITION OF metrics FOR VALUES IN ('eu') PARTITION BY HASH (id);
CREATE TABLE metrics_eu_0 PARTITION OF metrics_eu FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE metrics_eu_1 PARTITION OF metrics_eu FOR VALUES WITH (MODULUS 2, REMAINDER 1);
CREATE TABLE metrics_other PARTITION OF metrics DEFAULT;
CREATE INDEX ix_metrics_region ON metrics (region);
COMMENT ON TABLE metrics IS 'partitioned by region';
