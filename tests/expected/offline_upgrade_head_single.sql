BEGIN;

CREATE SCHEMA IF NOT EXISTS offline_s;

CREATE TABLE offline_s.alembic_version (
    version_num VARCHAR(32) NOT NULL, 
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

-- Running upgrade  -> 0ff1ce000001

SET LOCAL search_path TO offline_s, public;
SET LOCAL lock_timeout = 5000;

CREATE TABLE "Offline Items" (id int PRIMARY KEY, note text DEFAULT 'it''s new');
COMMENT ON TABLE "Offline Items" IS 'rendered by vhost offline';

INSERT INTO offline_s.alembic_version (version_num) VALUES ('0ff1ce000001') RETURNING offline_s.alembic_version.version_num;

-- Running upgrade 0ff1ce000001 -> 0ff1ce000002

ALTER TABLE "Offline Items" ADD COLUMN qty int NOT NULL DEFAULT 0;
CREATE INDEX ix_items_qty ON "Offline Items" (qty);

UPDATE offline_s.alembic_version SET version_num='0ff1ce000002' WHERE offline_s.alembic_version.version_num = '0ff1ce000001';

-- Running upgrade 0ff1ce000002 -> 0ff1ce000003

CREATE TABLE left_side (id int PRIMARY KEY);

UPDATE offline_s.alembic_version SET version_num='0ff1ce000003' WHERE offline_s.alembic_version.version_num = '0ff1ce000002';

-- Running upgrade 0ff1ce000002 -> 0ff1ce000004

CREATE TABLE right_side (id int PRIMARY KEY);

INSERT INTO offline_s.alembic_version (version_num) VALUES ('0ff1ce000004') RETURNING offline_s.alembic_version.version_num;

-- Running upgrade 0ff1ce000003, 0ff1ce000004 -> 0ff1ce000005

CREATE VIEW both_sides AS SELECT l.id FROM left_side l JOIN right_side r USING (id);

DELETE FROM offline_s.alembic_version WHERE offline_s.alembic_version.version_num = '0ff1ce000003';

UPDATE offline_s.alembic_version SET version_num='0ff1ce000005' WHERE offline_s.alembic_version.version_num = '0ff1ce000004';

COMMIT;

-- Running upgrade 0ff1ce000005 -> 0ff1ce000006
-- (outside a transaction: VHOST_NON_TRANSACTIONAL)

SET search_path TO offline_s, public;
SET lock_timeout = 5000;

CREATE INDEX CONCURRENTLY ix_items_note ON "Offline Items" (note);

RESET search_path;
RESET lock_timeout;

BEGIN;

UPDATE offline_s.alembic_version SET version_num='0ff1ce000006' WHERE offline_s.alembic_version.version_num = '0ff1ce000005';

COMMIT;

