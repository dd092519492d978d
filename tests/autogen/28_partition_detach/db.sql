CREATE TABLE orders (id int NOT NULL, at date NOT NULL, total numeric,
  CONSTRAINT pk_orders PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE INDEX ix_orders_total ON orders (total);
CREATE TABLE orders_2024 PARTITION OF orders FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE orders_2025 PARTITION OF orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE archive (id int NOT NULL, at date NOT NULL, total numeric,
  CONSTRAINT pk_archive PRIMARY KEY (id, at));
