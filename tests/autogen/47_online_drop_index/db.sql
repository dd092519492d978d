CREATE TABLE parent (id integer PRIMARY KEY, code text, alt text);
CREATE UNIQUE INDEX ix_parent_code ON parent (code);
CREATE UNIQUE INDEX ix_parent_alt ON parent (alt);
CREATE TABLE child (id integer PRIMARY KEY, code text, alt text, note text, legacy integer,
  CONSTRAINT fk_child_code FOREIGN KEY (code) REFERENCES parent (code),
  CONSTRAINT fk_child_alt FOREIGN KEY (alt) REFERENCES parent (alt));
CREATE INDEX ix_child_note ON child (note);
COMMENT ON INDEX ix_child_note IS 'search by note';
CREATE INDEX ix_child_legacy ON child (legacy);
CREATE INDEX ix_child_code ON child (code);
CREATE TABLE gone (id integer PRIMARY KEY, v integer);
CREATE INDEX ix_gone_v ON gone (v);
INSERT INTO parent SELECT g, 'c' || g, 'a' || g FROM generate_series(1, 10) g;
INSERT INTO child SELECT g, 'c' || g, NULL, 'n' || g, g FROM generate_series(1, 10) g;
ALTER TABLE child CLUSTER ON ix_child_note;
