-- Options changed, a sequence dropped, one created and used by a default,
-- one given an owner (OWNED BY).
CREATE SEQUENCE counter AS integer INCREMENT BY 5 MAXVALUE 1000 CACHE 2 CYCLE;
CREATE SEQUENCE new_seq AS bigint START WITH 100;
CREATE SEQUENCE owned_seq;
CREATE TABLE t (id int PRIMARY KEY, n bigint DEFAULT nextval('new_seq'));
ALTER SEQUENCE owned_seq OWNED BY t.n;
COMMENT ON SEQUENCE new_seq IS 'numbers from 100';
