CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, note text) PARTITION BY RANGE (at);
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE events_old (id bigint NOT NULL, at date NOT NULL, note text);
CREATE TABLE logs (id int, at date) PARTITION BY LIST (id);
CREATE TABLE logs_1 PARTITION OF logs FOR VALUES IN (1);
CREATE INDEX ix_logs_at ON logs (at);
