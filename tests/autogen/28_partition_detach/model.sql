-- A partition detached while its parent has a primary key and an index:
-- it keeps their copies as its own, which are dropped right after the
-- detach, and what the table declares (a primary key PostgreSQL names as
-- it named the copy) is added as for any table, so one revision converges.
-- A table attached the other way: its own key goes, the parent's is copied.
CREATE TABLE orders (id int NOT NULL, at date NOT NULL, total numeric,
  CONSTRAINT pk_orders PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE INDEX ix_orders_total ON orders (total);
CREATE TABLE orders_2025 PARTITION OF orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE orders_2024 (id int NOT NULL, at date NOT NULL, total numeric, PRIMARY KEY (id, at));
CREATE TABLE archive PARTITION OF orders FOR VALUES FROM ('2000-01-01') TO ('2024-01-01');
