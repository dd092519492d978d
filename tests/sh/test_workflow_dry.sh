#!/usr/bin/env bash
# test_workflow_dry.sh - `upgrade --dry-run` / `downgrade --dry-run` against
# real rows (issue 10), with tests/plugins/flow_dry: tables, an index, a
# foreign key, NOT NULL, then a non-transactional index.
#
#  1. On an empty database: every revision reported ok, and no schema,
#     version table or history table is left behind.
#  2. With an orphan child row: the dry run reports the step before as ok,
#     the foreign key as FAILED with PostgreSQL's message, SQLSTATE and
#     DETAIL naming the row, the rest as not run / not checked; exit 1; the
#     whole database (catalog, every table's rows, version and history
#     tables) is exactly as before, and no lock or session is left.
#  3. Orphan fixed, NULL notes left: the NOT NULL step fails the same way.
#  4. Data fixed: the dry run passes, stopping before the non-transactional
#     revision and saying so; the real upgrade then applies everything.
#  5. A downgrade dry run reports each step and changes nothing.
set -euo pipefail
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
vh_t_setup workflow_dry

S=flow_dry_s
DB=flow_dry_$$
vh_t_createdb "$DB"
VS=(--dsn "dbname=$DB" --plugin-dir "$VHOST_FIXTURE_DIR/flow_dry" --schema "$S")
R1=d7a000000001 R2=d7a000000002 R3=d7a000000003 R4=d7a000000004 R5=d7a000000005

out_has() { grep -q -- "$1" "$VH_T_TMP/out"; }
err_has() { grep -q -- "$1" "$VH_T_TMP/err"; }
same_db() { # same_db NAME BEFORE: the database snapshot still equals BEFORE
  local now
  now=$(vh_t_snapshot "$DB")
  if [ "$now" = "$2" ]; then
    vh_t_ok "$1"
  else
    vh_t_fail "$1" "database changed: $(diff <(echo "$2") <(echo "$now") | head -n 10 | tr '\n' ' ')"
  fi
}
no_leftovers() { # no_leftovers WHAT: no advisory lock and no session left by the dry run
  vh_t_eq "$1: no advisory lock left" 0 "$(vh_t_advisory_locks "$DB")"
  vh_t_check "$1: no session left" vh_t_wait_idle "$DB" 5
}

# ---- 1. an empty database -----------------------------------------------------
EMPTY=$(vh_t_snapshot "$DB")
vh_t_run -- "${VS[@]}" upgrade --dry-run $R4
vh_t_eq "empty database: dry run exits 0" 0 "$VH_T_RC"
vh_t_check "empty database: first step ok" out_has "^  ok .*<base> -> $R1, parent and child tables"
vh_t_check "empty database: foreign key ok" out_has "^  ok .*$R2 -> $R3, child references parent"
vh_t_check "empty database: result" out_has "^Result: all 4 revisions would run"
same_db "empty database: no schema, version or history table left" "$EMPTY"
vh_t_eq "empty database: schema not created" "" \
  "$(vh_t_psql "$DB" "SELECT nspname FROM pg_namespace WHERE nspname = '$S'")"
no_leftovers "empty database"

# ---- 2. an orphan row against the new foreign key ----------------------------------
vh_t_run -- "${VS[@]}" upgrade $R1
vh_t_eq "real upgrade to $R1" 0 "$VH_T_RC"
vh_t_psql "$DB" "INSERT INTO $S.flow_parent VALUES (1), (2);
  INSERT INTO $S.flow_child VALUES (1, 1, 'a'), (2, 99, NULL), (3, 2, NULL)"
BEFORE=$(vh_t_snapshot "$DB")
HIST=$(vh_t_psql "$DB" "SELECT count(*) FROM $S.vhost_history")

vh_t_run -- "${VS[@]}" upgrade --dry-run
vh_t_eq "orphan row: dry run exits 1" 1 "$VH_T_RC"
vh_t_check "orphan row: the step before is ok, with its time" \
  out_has "^  ok  *[0-9][0-9]* ms  $R1 -> $R2, index on child note"
vh_t_check "orphan row: the foreign key step FAILED" \
  out_has "^  FAILED  *[0-9][0-9]* ms  $R2 -> $R3, child references parent"
vh_t_check "orphan row: PostgreSQL's message" \
  out_has "violates foreign key constraint \"flow_child_parent_fk\" (SQLSTATE 23503)"
vh_t_check "orphan row: DETAIL names the row" \
  out_has "DETAIL:  Key (parent_id)=(99) is not present in table \"flow_parent\""
vh_t_check "orphan row: the next step not run" out_has "^  not run .*$R3 -> $R4"
vh_t_check "orphan row: the non-transactional step not checked" \
  out_has "^  not checked .*$R4 -> $R5"
vh_t_check "orphan row: result names the failing revision" \
  out_has "^Result: the upgrade would fail at $R3; the 1 revision before it would run"
vh_t_check "orphan row: FAILED line on stderr" err_has "^FAILED: upgrade $R3 "
same_db "orphan row: database byte-for-byte as before (catalog, rows, version, history)" "$BEFORE"
vh_t_eq "orphan row: no history row added" "$HIST" \
  "$(vh_t_psql "$DB" "SELECT count(*) FROM $S.vhost_history")"
vh_t_eq "orphan row: the index was rolled back" "" \
  "$(vh_t_psql "$DB" "SELECT to_regclass('$S.flow_child_note_idx')")"
no_leftovers "orphan row"

# ---- 3. NULL notes against NOT NULL ---------------------------------------------------
vh_t_psql "$DB" "UPDATE $S.flow_child SET parent_id = 1 WHERE id = 2"
BEFORE=$(vh_t_snapshot "$DB")
vh_t_run -- "${VS[@]}" upgrade --dry-run
vh_t_eq "null notes: dry run exits 1" 1 "$VH_T_RC"
vh_t_check "null notes: the foreign key now passes" out_has "^  ok .*$R2 -> $R3"
vh_t_check "null notes: NOT NULL fails with PostgreSQL's message" \
  out_has "column \"note\" of relation \"flow_child\" contains null values (SQLSTATE 23502)"
vh_t_check "null notes: result" out_has "^Result: the upgrade would fail at $R4"
same_db "null notes: database as before" "$BEFORE"
no_leftovers "null notes"

# ---- 4. clean data: the dry run passes up to the non-transactional revision --------------
vh_t_psql "$DB" "UPDATE $S.flow_child SET note = 'n' WHERE note IS NULL"
BEFORE=$(vh_t_snapshot "$DB")
vh_t_run -- "${VS[@]}" upgrade --dry-run
vh_t_eq "clean data: dry run exits 0" 0 "$VH_T_RC"
vh_t_check "clean data: says why it stopped" \
  out_has "revision $R5 must run outside a transaction, so it cannot be dry-run"
vh_t_check "clean data: result" \
  out_has "^Result: 3 revisions would run; 1 not checked (dry run stopped before non-transactional revision $R5)"
same_db "clean data: database as before" "$BEFORE"
vh_t_run -- "${VS[@]}" upgrade
vh_t_eq "clean data: the real upgrade then applies everything" "$R5" "$(vh_t_versions "$DB" "$S")"

# ---- 5. a downgrade dry run ----------------------------------------------------------------
vh_t_run -- "${VS[@]}" downgrade $R4
vh_t_eq "real downgrade past the non-transactional revision" "$R4" "$(vh_t_versions "$DB" "$S")"
BEFORE=$(vh_t_snapshot "$DB")
vh_t_run -- "${VS[@]}" downgrade --dry-run base
vh_t_eq "downgrade dry run: exit 0" 0 "$VH_T_RC"
vh_t_check "downgrade dry run: a downgrade report" out_has "^Dry run of downgrade $S"
vh_t_check "downgrade dry run: last step to base" out_has "^  ok .*$R1 -> <base>, parent and child tables"
vh_t_check "downgrade dry run: result" out_has "^Result: all 4 revisions would run"
same_db "downgrade dry run: database as before" "$BEFORE"
no_leftovers "downgrade dry run"

vh_t_finish
