CREATE DOMAIN positive AS integer CONSTRAINT positive_check CHECK (VALUE > 0);
CREATE DOMAIN code AS text DEFAULT 'x' CONSTRAINT code_len CHECK (length(VALUE) < 10);
CREATE DOMAIN gone AS integer NOT NULL;
CREATE DOMAIN retyped AS integer;
CREATE TABLE t (id int PRIMARY KEY, n positive, c code);
COMMENT ON DOMAIN code IS 'old comment';
