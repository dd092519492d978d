CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE colour AS ENUM ('red', 'grene', 'blue');
CREATE TYPE size AS ENUM ('small', 'medium', 'large');
CREATE TYPE gone AS ENUM ('x');
CREATE TABLE t (id int PRIMARY KEY, m mood DEFAULT 'ok', s size, ss size[], c colour);
