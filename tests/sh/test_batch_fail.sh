#!/usr/bin/env bash
# tests/sh/test_batch_fail.sh - issue 16: a revision built against SDK ABI
# 1.3 goes to the server in one round trip (BEGIN, its statements, the
# version row with its history row, COMMIT). A failure at any position of
# that batch (the first statement, the middle of a multi-statement text, a
# syntax error that makes the server refuse the whole message, the host's
# version-table change, the COMMIT itself through a deferred constraint)
# must roll back exactly the failing revision, leave the one before it
# applied and the one after it not run, and name the revision, the
# failing statement and its SQLSTATE, in the report and the history row.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
vh_t_setup batch_fail

db=vh_batch_fail
vh_t_createdb "$db"
V=(--dsn "dbname=$db" --plugin-dir "$VHOST_FIXTURE_DIR/run_batch")

# case: WHERE, the SQLSTATE, a piece of the message, the statement blamed
# (as the history row records it: "" for none)
check_case() {
  local where=$1 state=$2 msg=$3 stmt=$4 detail=${5:-} schema=bf_$1
  vh_t_psql "$db" "CREATE SCHEMA $schema"
  vh_t_run -- "${V[@]}" --schema "$schema" -x "fail=$where" upgrade head
  vh_t_eq "$where: the run fails (exit 1)" 1 "$VH_T_RC"
  vh_t_check "$where: the report names the revision, the message and SQLSTATE $state" \
    grep -q "FAILED: upgrade b1a000000002 .*$msg.*$state" "$VH_T_TMP/err"
  if [ -n "$stmt" ]; then
    vh_t_check "$where: the report names the statement" grep -qF "in statement: $stmt" "$VH_T_TMP/err"
  fi
  if [ -n "$detail" ]; then
    vh_t_check "$where: the report carries the server's DETAIL" grep -qF "$detail" "$VH_T_TMP/err"
  fi
  vh_t_eq "$where: the revision before stays applied, the failing one is rolled back" \
    "b1a000000001" "$(vh_t_versions "$db" "$schema")"
  vh_t_eq "$where: nothing of the failing revision or the one after it is left" "0" \
    "$(vh_t_psql "$db" "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE n.nspname = '$schema' AND c.relname IN ('t_batch_two', 't_batch_three', 't_batch_syntax')")"
  vh_t_eq "$where: the history row says which revision failed, with the SQLSTATE and statement" \
    "b1a000000002|failed|$state|$stmt" \
    "$(vh_t_psql "$db" "SELECT revision, outcome, sqlstate, coalesce(left(statement, ${#stmt}), '')
                         FROM $schema.vhost_history WHERE outcome <> 'applied' ORDER BY id")"
  vh_t_run -- "${V[@]}" --schema "$schema" upgrade head
  vh_t_eq "$where: the next run applies the rest" "0 b1a000000003" "$VH_T_RC $(vh_t_versions "$db" "$schema")"
}

check_case first P0001 "first statement fails" "DO \$x\$BEGIN PERFORM 1;"
check_case middle 23505 "duplicate key value" \
  "INSERT INTO t_batch_two VALUES (3); INSERT INTO t_batch_two VALUES (1)" \
  "DETAIL:  Key (id)=(1) already exists"
check_case syntax 42601 "syntax error" "CREATE TABLE t_batch_syntax (id int"
check_case version P0002 "recording the revision in the version table: version row refused" ""
check_case commit 23503 "violates foreign key constraint" "COMMIT" \
  'DETAIL:  Key (pid)=(42) is not present in table "t_batch_parent"'

# The same failure with --single-transaction: nothing of the run stays.
vh_t_psql "$db" "CREATE SCHEMA bf_single"
vh_t_run -- "${V[@]}" --schema bf_single -x fail=middle upgrade head --single-transaction
vh_t_eq "single transaction: the run fails and nothing is applied" "1 " \
  "$VH_T_RC $(vh_t_versions "$db" bf_single)"
vh_t_check "single transaction: the report names the revision and the SQLSTATE" \
  grep -q "FAILED: upgrade b1a000000002 .*23505" "$VH_T_TMP/err"

# (That a revision is one round trip is counted from libpq's protocol trace
# in tests/db/test_sdk_defer.c.)
vh_t_psql "$db" "CREATE SCHEMA bf_ok"
vh_t_run -- "${V[@]}" --schema bf_ok upgrade head
vh_t_eq "without -x the chain applies" "0 b1a000000003" "$VH_T_RC $(vh_t_versions "$db" bf_ok)"
vh_t_eq "the history rows carry a duration that includes the server's time" "3" \
  "$(vh_t_psql "$db" "SELECT count(*) FROM bf_ok.vhost_history WHERE outcome = 'applied' AND duration_ms > 0")"

vh_t_finish
