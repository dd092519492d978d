-- Running downgrade 0ff1ce000006 -> 0ff1ce000005
-- (outside a transaction: VHOST_NON_TRANSACTIONAL)

SET search_path TO offline_s, public;
SET lock_timeout = 5000;

DROP INDEX CONCURRENTLY ix_items_note;

RESET search_path;
RESET lock_timeout;

BEGIN;

UPDATE offline_s.alembic_version SET version_num='0ff1ce000005' WHERE offline_s.alembic_version.version_num = '0ff1ce000006';

COMMIT;

BEGIN;

-- Running downgrade 0ff1ce000005 -> 0ff1ce000003, 0ff1ce000004

SET LOCAL search_path TO offline_s, public;
SET LOCAL lock_timeout = 5000;

DROP VIEW both_sides;

INSERT INTO offline_s.alembic_version (version_num) VALUES ('0ff1ce000003') RETURNING offline_s.alembic_version.version_num;

UPDATE offline_s.alembic_version SET version_num='0ff1ce000004' WHERE offline_s.alembic_version.version_num = '0ff1ce000005';

COMMIT;

BEGIN;

-- Running downgrade 0ff1ce000004 -> 0ff1ce000002

SET LOCAL search_path TO offline_s, public;
SET LOCAL lock_timeout = 5000;

DROP TABLE right_side;

DELETE FROM offline_s.alembic_version WHERE offline_s.alembic_version.version_num = '0ff1ce000004';

COMMIT;

BEGIN;

-- Running downgrade 0ff1ce000003 -> 0ff1ce000002

SET LOCAL search_path TO offline_s, public;
SET LOCAL lock_timeout = 5000;

DROP TABLE left_side;

UPDATE offline_s.alembic_version SET version_num='0ff1ce000002' WHERE offline_s.alembic_version.version_num = '0ff1ce000003';

COMMIT;

