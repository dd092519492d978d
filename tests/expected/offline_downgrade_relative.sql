BEGIN;

-- Running downgrade 0ff1ce000002 -> 0ff1ce000001

SET LOCAL search_path TO offline_s, public;
SET LOCAL lock_timeout = 5000;

DROP INDEX ix_items_qty;
ALTER TABLE "Offline Items" DROP COLUMN qty;

UPDATE offline_s.alembic_version SET version_num='0ff1ce000001' WHERE offline_s.alembic_version.version_num = '0ff1ce000002';

COMMIT;

