CREATE TABLE p (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE c (
  id serial PRIMARY KEY,
  p_id bigint REFERENCES p (id) ON DELETE CASCADE,
  amount numeric(10, 2) CHECK (amount >= 0),
  note text COLLATE "C" DEFAULT '',
  total numeric GENERATED ALWAYS AS (amount * 2) STORED
);
CREATE INDEX c_p_id_idx ON c (p_id) WHERE amount > 0;
COMMENT ON TABLE c IS 'children';
