-- Same name, new expression; same expression written differently (the
-- server's rendering is compared, so no change); one dropped, one added.
CREATE TABLE t (
  a integer, b text,
  CONSTRAINT ck_a CHECK (a >= 0),
  CONSTRAINT ck_b CHECK ((b <> '')),
  CONSTRAINT ck_new CHECK (length(b) BETWEEN 1 AND 10)
);
