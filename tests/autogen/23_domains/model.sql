-- Domains: one altered in place (NOT NULL, a constraint changed and one
-- added), a default and a comment changed, a domain over a new domain
-- (created in order), one dropped, one whose base type changes (recreated).
CREATE DOMAIN positive AS integer NOT NULL
  CONSTRAINT positive_check CHECK (VALUE >= 1) CONSTRAINT positive_small CHECK (VALUE < 1000000);
CREATE DOMAIN code AS text DEFAULT 'y' CONSTRAINT code_len CHECK (length(VALUE) < 10);
CREATE DOMAIN fresh AS varchar(20) COLLATE "C";
CREATE DOMAIN fresh_word AS fresh CHECK (VALUE <> '');
CREATE DOMAIN retyped AS bigint;
CREATE TABLE t (id int PRIMARY KEY, n positive, c code, f fresh_word);
COMMENT ON DOMAIN code IS 'new comment';
COMMENT ON DOMAIN fresh IS 'a fresh domain';
