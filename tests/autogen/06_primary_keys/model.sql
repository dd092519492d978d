-- A primary key added (its column becomes NOT NULL first), one widened to
-- two columns, one removed (the column stays NOT NULL).
CREATE TABLE a (x integer, y integer, CONSTRAINT a_pkey PRIMARY KEY (x));
CREATE TABLE b (x integer NOT NULL, y integer NOT NULL, CONSTRAINT b_pkey PRIMARY KEY (x, y));
CREATE TABLE c (x integer NOT NULL);
