BEGIN;

-- Running upgrade 0ff1ce000002 -> 0ff1ce000003

SET LOCAL search_path TO offline_s, public;
SET LOCAL lock_timeout = 5000;

CREATE TABLE left_side (id int PRIMARY KEY);

UPDATE offline_s.alembic_version SET version_num='0ff1ce000003' WHERE offline_s.alembic_version.version_num = '0ff1ce000002';

COMMIT;

BEGIN;

-- Running upgrade 0ff1ce000002 -> 0ff1ce000004

SET LOCAL search_path TO offline_s, public;
SET LOCAL lock_timeout = 5000;

CREATE TABLE right_side (id int PRIMARY KEY);

INSERT INTO offline_s.alembic_version (version_num) VALUES ('0ff1ce000004') RETURNING offline_s.alembic_version.version_num;

COMMIT;

BEGIN;

-- Running upgrade 0ff1ce000003, 0ff1ce000004 -> 0ff1ce000005

SET LOCAL search_path TO offline_s, public;
SET LOCAL lock_timeout = 5000;

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

