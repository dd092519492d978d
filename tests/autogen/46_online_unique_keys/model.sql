-- A primary key on an existing table whose column was nullable, referred
-- to by a new foreign key of an existing table and of a new one; unique
-- constraints (NULLS NOT DISTINCT with INCLUDE, DEFERRABLE) with a comment.
-- Online: each unique index built CONCURRENTLY, then the constraint put on
-- it USING INDEX (after SET NOT NULL through a validated check), then the
-- foreign keys. The exclusion constraint, which USING INDEX cannot take,
-- is added in place.
CREATE TABLE account (id integer CONSTRAINT account_pkey PRIMARY KEY, email text, tenant integer,
  during tsrange,
  CONSTRAINT account_email_key UNIQUE NULLS NOT DISTINCT (email) INCLUDE (tenant),
  CONSTRAINT account_tenant_email_key UNIQUE (tenant, email) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT account_during_excl EXCLUDE USING gist (during WITH &&));
COMMENT ON CONSTRAINT account_email_key ON account IS 'one account per address';
CREATE TABLE session (id integer PRIMARY KEY, account_id integer,
  CONSTRAINT fk_session_account FOREIGN KEY (account_id) REFERENCES account (id));
CREATE TABLE audit (id integer PRIMARY KEY,
  account_id integer CONSTRAINT fk_audit_account REFERENCES account (id));
-- REPLICA IDENTITY on the new key's index: once the key stands.
ALTER TABLE account REPLICA IDENTITY USING INDEX account_pkey;
