-- A trigger changed, one dropped, one added on a new table with a new
-- function, one disabled, one that fires in replica sessions only.
CREATE TABLE t (id int PRIMARY KEY, touched timestamptz);
CREATE TABLE u (id int PRIMARY KEY, n int);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.touched := now(); RETURN NEW; END $$;
CREATE FUNCTION bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.n := NEW.n + 1; RETURN NEW; END $$;
CREATE TRIGGER trg_changed BEFORE INSERT OR UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TRIGGER trg_bump BEFORE INSERT ON u FOR EACH ROW EXECUTE FUNCTION bump();
CREATE TRIGGER trg_off AFTER DELETE ON u FOR EACH ROW EXECUTE FUNCTION bump();
ALTER TABLE u DISABLE TRIGGER trg_off;
COMMENT ON TRIGGER trg_bump ON u IS 'counts';
CREATE TRIGGER trg_replica AFTER UPDATE ON u FOR EACH ROW EXECUTE FUNCTION bump();
ALTER TABLE u ENABLE REPLICA TRIGGER trg_replica;
