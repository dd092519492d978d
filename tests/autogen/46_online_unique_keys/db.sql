CREATE TABLE account (id integer, email text, tenant integer, during tsrange);
INSERT INTO account SELECT g, 'u' || g || '@example.org', g % 3,
  tsrange('2026-01-01'::timestamp + g * interval '1 day', '2026-01-01'::timestamp + (g + 1) * interval '1 day')
  FROM generate_series(1, 20) g;
CREATE TABLE session (id integer PRIMARY KEY, account_id integer);
INSERT INTO session SELECT g, g FROM generate_series(1, 20) g;
