CREATE TABLE t (id integer PRIMARY KEY, a text, gone text, gone_too integer NOT NULL DEFAULT 0);
CREATE TABLE "Odd Name" ("Mixed Case" integer, "select" text);
