CREATE EXTENSION hstore;
CREATE EXTENSION citext;
CREATE TABLE kv (id int PRIMARY KEY, attrs hstore);
