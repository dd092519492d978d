#!/usr/bin/env bash
# test_drift.sh - `vhost drift` (issue 18): the schema against what the
# revision chain builds at the database's recorded revision.
#
#  1. The Vibesia chain upgraded to 3cfc87221979 by vhost: no drift, exit 0.
#  2. The Alembic-era case (docs/vibesia-migrations.md): upgraded to
#     2d12193b6184 and stamped 3cfc87221979, as Alembic left databases that
#     ran the placeholder: exit 1 naming the audit foreign key, with the
#     chain's ON DELETE SET NULL and the database's definition.
#  3. A column added by hand: named too, text and --json; at head, `check`
#     lists it and hand-made GRANTs and default privileges as operations,
#     leaves the schema's own privileges alone (the model states none), and
#     drift names all three.
#  3c. A domain and a partitioned table by hand: drift names them, check
#     generates their removal.
#  4. Without CREATEDB: a scratch schema instead (the target's own privileges
#     are not compared with it), and a hotfix index found.
# After every run no scratch database or schema is left.
set -euo pipefail
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
vh_t_setup drift

F=$VHOST_FIXTURE_DIR
DB=drift_$$
DB2=drift_schema_$$
ROLE=drift_nocreatedb_$$
vh_t_createdb "$DB"
vh_t_createdb "$DB2"
trap 'vh_t_cleanup; psql -X -q -d postgres -c "DROP ROLE IF EXISTS $ROLE" >/dev/null 2>&1 || true' EXIT

out_has() { grep -q -- "$1" "$VH_T_TMP/out"; }
out_lacks() { ! grep -q -- "$1" "$VH_T_TMP/out"; }
V=(-c "$VHOST_SOURCE_DIR/conf/vhost.ini" --plugin-dir "$VHOST_PLUGIN_DIR" --dsn "dbname=$DB")
scratch_count() {
  vh_t_psql "$DB" "SELECT (SELECT count(*) FROM pg_database WHERE datname LIKE 'vhost\_test\_%')
                          + (SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'vhost\_test\_%')"
}
BEFORE=$(scratch_count)

# ---- 1. no drift ----------------------------------------------------------------
vh_t_run -- "${V[@]}" -q upgrade 3cfc87221979
vh_t_eq "upgrade to 3cfc87221979" 0 "$VH_T_RC"
vh_t_run -- "${V[@]}" drift
vh_t_eq "clean: exit 0" 0 "$VH_T_RC"
vh_t_check "clean: says so" out_has "^No drift: schema vibesia_schema matches what the chain builds at 3cfc87221979"
vh_t_eq "clean: scratch dropped" "$BEFORE" "$(scratch_count)"

# ---- 2. the Alembic-era placeholder ------------------------------------------------
vh_t_run -- "${V[@]}" -q downgrade base
vh_t_run -- "${V[@]}" -q upgrade 2d12193b6184
vh_t_run -- "${V[@]}" -q stamp 3cfc87221979
vh_t_eq "stamped like Alembic" 0 "$VH_T_RC"
vh_t_run -- "${V[@]}" drift
vh_t_eq "alembic-era: exit 1" 1 "$VH_T_RC"
vh_t_check "alembic-era: names the foreign key" \
  out_has "^  constraint audit_log.fk_audit_log_app_user_id_users$"
vh_t_check "alembic-era: what the chain says" \
  out_has "^    chain:    FOREIGN KEY (app_user_id) REFERENCES users(user_id) ON DELETE SET NULL$"
vh_t_check "alembic-era: what the database has" \
  out_has "^    database: FOREIGN KEY (app_user_id) REFERENCES users(user_id)$"
vh_t_check "alembic-era: one difference" out_has "at 3cfc87221979 in 1 place:"
vh_t_eq "alembic-era: scratch dropped" "$BEFORE" "$(scratch_count)"

# ---- 3. a hand hotfix -------------------------------------------------------------
vh_t_psql "$DB" "ALTER TABLE vibesia_schema.users ADD COLUMN hotfix_flag boolean"
vh_t_run -- "${V[@]}" drift
vh_t_eq "hotfix: exit 1" 1 "$VH_T_RC"
vh_t_check "hotfix: names the column" out_has "^  column users.hotfix_flag$"
vh_t_check "hotfix: absent from the chain" out_has "^    chain:    (none)$"
vh_t_run -- "${V[@]}" drift --json
vh_t_eq "json: exit 1" 1 "$VH_T_RC"
vh_t_check "json: the column" out_has '{"kind": "column", "name": "users.hotfix_flag", "chain": null, "database": "boolean"}'
vh_t_check "json: drift true" out_has '"drift": true,'
vh_t_check "json: the revision" out_has '"revisions": \["3cfc87221979"\],'
vh_t_check "json: parses" /usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$VH_T_TMP/out"

# ---- 3b. check names what autogenerate does not generate ------------------------------
vh_t_run -- "${V[@]}" -q upgrade head
vh_t_psql "$DB" "GRANT SELECT ON vibesia_schema.users TO PUBLIC"
vh_t_psql "$DB" "ALTER DEFAULT PRIVILEGES IN SCHEMA vibesia_schema GRANT SELECT ON TABLES TO PUBLIC"
vh_t_psql "$DB" "GRANT USAGE ON SCHEMA vibesia_schema TO PUBLIC"
vh_t_run -- "${V[@]}" check
vh_t_eq "check with a grant by hand: exit 1" 1 "$VH_T_RC"
vh_t_check "check: the column is an operation" out_has "^  remove_column users.hotfix_flag$"
vh_t_check "check: the grant is an operation" \
  out_has "^  remove privilege SELECT ON TABLE users TO PUBLIC$"
vh_t_check "check: default privileges are an operation" \
  out_has "^  remove default privilege SELECT ON TABLES TO PUBLIC IN SCHEMA vibesia_schema$"
vh_t_check "check: the schema's own privileges are not compared (the model states none)" \
  out_lacks "ON SCHEMA vibesia_schema"
vh_t_run -- "${V[@]}" drift
vh_t_check "drift names the grant too" out_has "^  privilege users to PUBLIC$"
vh_t_check "drift names the default privilege" out_has "^  default privilege for .* on tables$"
vh_t_check "drift names the schema's privilege" out_has "^  schema privilege to PUBLIC$"
vh_t_psql "$DB" "REVOKE USAGE ON SCHEMA vibesia_schema FROM PUBLIC"

# ---- 3c. a domain and a partitioned table by hand: drift names, check generates -------
vh_t_psql "$DB" "CREATE DOMAIN vibesia_schema.hand_made AS integer CHECK (VALUE > 0);
  CREATE TABLE vibesia_schema.hand_parts (id int, at date) PARTITION BY RANGE (at);
  CREATE TABLE vibesia_schema.hand_parts_1 PARTITION OF vibesia_schema.hand_parts
    FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')"
vh_t_run -- "${V[@]}" drift
vh_t_check "drift names a domain by hand" out_has "^  domain hand_made$"
vh_t_check "drift names a partition by hand" out_has "^  table hand_parts_1$"
vh_t_run -- "${V[@]}" check
vh_t_check "check: the domain is an operation" out_has "^  remove domain hand_made$"
vh_t_check "check: the partition is an operation" out_has "^  remove_table hand_parts_1$"
vh_t_psql "$DB" "DROP TABLE vibesia_schema.hand_parts; DROP DOMAIN vibesia_schema.hand_made"

# ---- 4. a scratch schema without CREATEDB ------------------------------------------
vh_t_psql "$DB2" "CREATE ROLE $ROLE LOGIN; GRANT CREATE ON DATABASE $DB2 TO $ROLE"
LIN=(--plugin-dir "$F/linear" --dsn "dbname=$DB2")
vh_t_run PGUSER="$ROLE" -- "${LIN[@]}" -q upgrade head
vh_t_eq "linear: upgraded as $ROLE" 0 "$VH_T_RC"
# A scratch schema is vhost's own: the target's privileges are not the
# chain's to compare there.
vh_t_psql "$DB2" "GRANT USAGE ON SCHEMA vibesia_schema TO PUBLIC"
vh_t_run PGUSER="$ROLE" -- "${LIN[@]}" drift
vh_t_eq "schema scratch, clean: exit 0" 0 "$VH_T_RC"
vh_t_check "schema scratch, clean: says so" out_has "^No drift"
T=t_3b8e1f0c9a21
C=$(vh_t_psql "$DB2" "SELECT attname FROM pg_attribute
                      WHERE attrelid = 'vibesia_schema.$T'::regclass AND attnum = 1")
vh_t_psql "$DB2" "SET ROLE $ROLE; CREATE INDEX ix_hotfix ON vibesia_schema.$T ($C)"
vh_t_run PGUSER="$ROLE" -- "${LIN[@]}" drift
vh_t_eq "schema scratch, hotfix: exit 1" 1 "$VH_T_RC"
vh_t_check "schema scratch, hotfix: names the index" out_has "^  index $T.ix_hotfix$"
vh_t_run PGUSER="$ROLE" -- "${LIN[@]}" drift --json
vh_t_check "schema scratch: a schema indeed" out_has '"scratch": "schema",'
vh_t_eq "schema scratch: dropped" "$BEFORE" "$(scratch_count)"

vh_t_finish
