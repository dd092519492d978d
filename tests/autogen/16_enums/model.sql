-- New labels in place, a renamed label, labels removed (the type is
-- recreated and its columns converted), a new type and a dropped one.
CREATE TYPE mood AS ENUM ('awful', 'sad', 'ok', 'good', 'happy', 'ecstatic');
CREATE TYPE colour AS ENUM ('red', 'green', 'blue');
CREATE TYPE size AS ENUM ('large', 'small');
CREATE TYPE fresh AS ENUM ('a', 'b');
CREATE TABLE t (id int PRIMARY KEY, m mood DEFAULT 'ok', s size, ss size[], c colour, f fresh);
COMMENT ON TYPE fresh IS 'a new type';
