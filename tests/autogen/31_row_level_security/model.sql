-- Row level security switched on, off, forced and not, on a new table,
-- and on a dropped one (which needs no switching off).
CREATE TABLE a (id int);
ALTER TABLE a ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE TABLE b (id int);
CREATE TABLE c (id int);
ALTER TABLE c ENABLE ROW LEVEL SECURITY;
CREATE TABLE d (id int);
ALTER TABLE d ENABLE ROW LEVEL SECURITY;
CREATE TABLE e (id int);
ALTER TABLE e ENABLE ROW LEVEL SECURITY;
