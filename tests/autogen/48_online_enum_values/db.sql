CREATE TYPE status AS ENUM ('new', 'done');
CREATE TABLE task (id integer PRIMARY KEY, s status DEFAULT 'new');
INSERT INTO task VALUES (1, 'new'), (2, 'done');
