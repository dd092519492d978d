CREATE TABLE users (id integer PRIMARY KEY, email text, "Nick Name" text, note text);
INSERT INTO users VALUES (1, 'a@x', 'a', NULL), (2, 'b@x', 'b', 'n');
