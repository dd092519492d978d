#!/usr/bin/env bash
# test_workflow_test.sh - `vhost test` (issue 10).
#
#  1. The Vibesia chain, with conf/vhost.ini's sample data: every check
#     passes, exit 0.
#  2. tests/plugins/flow_forget: two downgrades that forget something (an
#     index, NOT NULL): exit 1, each failure names its revision and shows the
#     catalog difference; the correct revisions after them still pass.
#  3. tests/plugins/flow_stuck: a downgrade that forgets a table makes the
#     upgrade fail when run again: both named, and the rest marked untested.
#  4. tests/plugins/flow_rows: schema restored but rows lost (with sample
#     data): the row-count check names the revision and the table.
#  5. Several heads: a failure unless --allow-branches.
#  6. A revision that aborts the process: the signal is reported.
#  7. Without CREATEDB: a scratch schema instead, asked for in an
#     environment with confirm = true.
#  8. With a model: head must match it (autogenerate's diff), else the
#     differences are listed.
# After every run the scratch database (or schema) it announced is gone.
set -euo pipefail
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
vh_t_setup workflow_test

F=$VHOST_FIXTURE_DIR
ADMIN=flow_test_$$
ROLE=flow_nocreatedb_$$
vh_t_createdb "$ADMIN"
trap 'vh_t_cleanup; psql -X -q -d postgres -c "DROP ROLE IF EXISTS $ROLE" >/dev/null 2>&1 || true' EXIT

out_has() { grep -q -- "$1" "$VH_T_TMP/out"; }
err_has() { grep -q -- "$1" "$VH_T_TMP/err"; }
out_count() { grep -c -- "$1" "$VH_T_TMP/out" || true; }
# The scratch target the last run announced is gone.
scratch_gone() {
  local name
  name=$(sed -n 's/^vhost test: .* in scratch \(database\|schema\) \([a-z0-9_]*\).*/\2/p' "$VH_T_TMP/out")
  if [ -z "$name" ]; then
    vh_t_fail "$1: scratch target announced"
    return
  fi
  vh_t_eq "$1: scratch $name dropped" 0 \
    "$(vh_t_psql "$ADMIN" "SELECT (SELECT count(*) FROM pg_database WHERE datname = '$name')
                                  + (SELECT count(*) FROM pg_namespace WHERE nspname = '$name')")"
}

# ---- 1. the Vibesia chain ------------------------------------------------------------
vh_t_run -- -c "$VHOST_SOURCE_DIR/conf/vhost.ini" --plugin-dir "$VHOST_PLUGIN_DIR" \
  --dsn "dbname=$ADMIN" test
vh_t_eq "vibesia: exit 0" 0 "$VH_T_RC"
vh_t_check "vibesia: in a scratch database" out_has "^vhost test: 5 revisions in scratch database vhost_test_"
for rev in 1f0e2d3c4b5a 360b16ba22c2 2d12193b6184 3cfc87221979 ecf5acd6708d; do
  vh_t_eq "vibesia: $rev upgrade, downgrade, upgrade again ok" 3 "$(out_count "^ok      $rev ")"
done
vh_t_check "vibesia: sample data loaded after the initial revision" \
  out_has "sample data .*vibesia_sample_data.sql loaded after 1f0e2d3c4b5a"
vh_t_check "vibesia: back down to base" out_has "^ok      downgrade from head to base leaves the schema as it started"
vh_t_check "vibesia: head matches conf/models/vibesia.sql" out_has "^ok      model matches head (.*vibesia.sql)"
vh_t_check "vibesia: no failure" out_has "^vhost test: [0-9]* checks, 0 failed$"
scratch_gone "vibesia"

# ---- 2. downgrades that forget something ------------------------------------------------
vh_t_run -- --plugin-dir "$F/flow_forget" --dsn "dbname=$ADMIN" test
vh_t_eq "forget: exit 1" 1 "$VH_T_RC"
vh_t_check "forget: forgotten index named with its revision" \
  out_has "^FAILED  f1a5e0000002 downgrade leaves the schema different from before its upgrade"
vh_t_check "forget: ... and shown" \
  out_has "^          + index flow_item.flow_item_name_idx: CREATE INDEX flow_item_name_idx ON flow_item USING btree (name)$"
vh_t_check "forget: forgotten NOT NULL named with its revision" \
  out_has "^FAILED  f1a5e0000003 downgrade leaves the schema different"
vh_t_check "forget: ... and shown" \
  out_has "^          ~ column flow_item.qty: integer not null default 0 -> integer default 0$"
vh_t_eq "forget: the correct base passes" 3 "$(out_count "^ok      f1a5e0000001 ")"
vh_t_eq "forget: the correct head after them still passes" 3 "$(out_count "^ok      f1a5e0000004 ")"
vh_t_check "forget: the summary names both, and only them" \
  err_has "^FAILED: vhost test: 2 of [0-9]* checks failed: f1a5e0000002 (downgrade), f1a5e0000003 (downgrade)$"
scratch_gone "forget"

# ---- 3. a downgrade that leaves a table behind --------------------------------------------
vh_t_run -- --plugin-dir "$F/flow_stuck" --dsn "dbname=$ADMIN" test
vh_t_eq "stuck: exit 1" 1 "$VH_T_RC"
vh_t_check "stuck: the table left behind" out_has "^          + table flow_stuck_b$"
vh_t_check "stuck: the upgrade then fails, named" \
  out_has "^FAILED  5c0c00000002 upgrade after its downgrade: relation \"flow_stuck_b\" already exists (SQLSTATE 42P07)"
vh_t_check "stuck: the head is marked untested" out_has "1 later revision not tested"
vh_t_check "stuck: the summary" \
  err_has "checks failed: 5c0c00000002 (downgrade), 5c0c00000002 (upgrade again)$"
scratch_gone "stuck"

# ---- 4. rows lost by a downgrade ------------------------------------------------------------
printf "INSERT INTO flow_rows VALUES (1, 'a'), (2, 'b'), (3, NULL);\n" >"$VH_T_TMP/rows.sql"
vh_t_run -- --plugin-dir "$F/flow_rows" --dsn "dbname=$ADMIN" test \
  --sample-data "$VH_T_TMP/rows.sql" --sample-after 7a0500000001
vh_t_eq "rows: exit 1" 1 "$VH_T_RC"
vh_t_check "rows: the schema check passes" \
  out_has "^ok      7a0500000002 downgrade restores the schema as it was before the upgrade"
vh_t_check "rows: the row check names the revision" out_has "^FAILED  7a0500000002 downgrade and upgrade lose rows"
vh_t_check "rows: ... and the table" out_has "^          flow_rows: 3 rows -> 0 rows$"
scratch_gone "rows"
vh_t_run -- --plugin-dir "$F/flow_rows" --dsn "dbname=$ADMIN" test --sample-data "$VH_T_TMP/rows.sql"
vh_t_eq "sample data without its revision: usage error" 2 "$VH_T_RC"

# ---- 5. branches ------------------------------------------------------------------------------
vh_t_run -- --plugin-dir "$F/branch" --dsn "dbname=$ADMIN" test
vh_t_eq "branches: exit 1" 1 "$VH_T_RC"
vh_t_check "branches: the heads named" \
  out_has "^FAILED  2 heads (8e2c6b1a4d07, b91d4f0e3a68), expected one: .*--allow-branches"
vh_t_run -- --plugin-dir "$F/branch" --dsn "dbname=$ADMIN" test --allow-branches
vh_t_eq "branches allowed: exit 0" 0 "$VH_T_RC"
vh_t_eq "branches allowed: each branch cycled" 3 "$(out_count "^ok      b91d4f0e3a68 ")"
scratch_gone "branches"

# ---- 6. a revision that crashes -----------------------------------------------------------------
vh_t_run -- --plugin-dir "$F/flow_crash" --dsn "dbname=$ADMIN" test
vh_t_eq "crash: exit 1" 1 "$VH_T_RC"
vh_t_check "crash: the checks before the crash were reported" out_has "^ok      c4a500000001 upgrade"
vh_t_check "crash: the revision named" err_has "revision c4a500000002 crashed"
vh_t_check "crash: the signal and the step reported" \
  err_has "FAILED: test: the checks were ended by signal 6 (Aborted) during upgrade of c4a500000002$"
scratch_gone "crash"

# ---- 7. no CREATEDB: a scratch schema ---------------------------------------------------------------
vh_t_psql "$ADMIN" "CREATE ROLE $ROLE LOGIN; GRANT CREATE ON DATABASE $ADMIN TO $ROLE"
vh_t_run PGUSER="$ROLE" -- --plugin-dir "$F/linear" --dsn "dbname=$ADMIN" test
vh_t_eq "no CREATEDB: exit 0" 0 "$VH_T_RC"
vh_t_check "no CREATEDB: a scratch schema instead" \
  out_has "^vhost test: 3 revisions in scratch schema vhost_test_[0-9a-f_]* of database $ADMIN"
vh_t_eq "no CREATEDB: every revision cycled" 9 "$(out_count "^ok      [0-9a-f]\{12\} ")"
scratch_gone "no CREATEDB"
printf '[vhost]\nplugin_dir = %s\n[env.prod]\nconfirm = true\n' "$F/linear" >"$VH_T_TMP/prod.ini"
vh_t_run PGUSER="$ROLE" -- -c "$VH_T_TMP/prod.ini" -e prod --dsn "dbname=$ADMIN" test
vh_t_eq "no CREATEDB, confirm = true, no --yes: refused" 1 "$VH_T_RC"
vh_t_check "no CREATEDB, confirm = true: says what it would do" \
  err_has "requires confirmation to create scratch schema vhost_test_"
vh_t_eq "no CREATEDB, refused: no schema left" 0 \
  "$(vh_t_psql "$ADMIN" "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'vhost_test%'")"
vh_t_run PGUSER="$ROLE" -- -c "$VH_T_TMP/prod.ini" -e prod --dsn "dbname=$ADMIN" test --yes
vh_t_eq "no CREATEDB, confirm = true, --yes: exit 0" 0 "$VH_T_RC"
scratch_gone "no CREATEDB, --yes"

# ---- 8. the model ------------------------------------------------------------------------------------
M=$VH_T_TMP/model
mkdir -p "$M"
printf '[vhost]\nplugin_dir = %s\nmodel = model.sql\n' "$F/linear" >"$M/vhost.ini"
printf 'CREATE TABLE t_3b8e1f0c9a21 (id int);\nCREATE TABLE t_7c44d2a9e610 (id int);\nCREATE TABLE t_e59b07d3c4f2 (id int);\n' \
  >"$M/model.sql"
vh_t_run -- -c "$M/vhost.ini" --dsn "dbname=$ADMIN" test
vh_t_eq "model matches: exit 0" 0 "$VH_T_RC"
vh_t_check "model matches: checked" out_has "^ok      model matches head ($M/model.sql)"
sed -i 's/t_e59b07d3c4f2 (id int)/t_e59b07d3c4f2 (id int NOT NULL)/' "$M/model.sql"
vh_t_run -- -c "$M/vhost.ini" --dsn "dbname=$ADMIN" test
vh_t_eq "model differs: exit 1" 1 "$VH_T_RC"
vh_t_check "model differs: named" out_has "^FAILED  model matches head: head differs from $M/model.sql in 1 operation"
vh_t_check "model differs: the operation listed" out_has "modify_nullable t_e59b07d3c4f2.id"
vh_t_check "model differs: in the summary" err_has "checks failed: model$"
scratch_gone "model"
vh_t_run -- --plugin-dir "$F/linear" --dsn "dbname=$ADMIN" test --sample-data "$M/model.sql" \
  --sample-after 1f0e2d3c4b5a
vh_t_eq "sample data after an unknown revision: exit 1" 1 "$VH_T_RC"
vh_t_check "sample data after an unknown revision: says which setting" \
  err_has "sample_data_after / --sample-after): Can't locate revision identified by '1f0e2d3c4b5a'"

vh_t_finish
