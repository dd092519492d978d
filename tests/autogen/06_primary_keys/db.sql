CREATE TABLE a (x integer, y integer);
CREATE TABLE b (x integer NOT NULL, y integer NOT NULL, CONSTRAINT b_pkey PRIMARY KEY (x));
CREATE TABLE c (x integer NOT NULL, CONSTRAINT c_pkey PRIMARY KEY (x));
