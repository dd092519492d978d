#!/usr/bin/env bash
# test_signals.sh - SIGTERM and Ctrl-C during a run (issue 20, item 2):
# vhost cancels the running statement on the server, rolls back, releases
# the migration lock, writes the failed history row, prints one FAILED line
# and exits 1; a second signal exits at once. Uses a revision whose
# statement runs for a minute (tests/plugins/sig_long) and looks at
# pg_stat_activity and pg_locks afterwards.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
vh_t_setup signals

F=$VHOST_FIXTURE_DIR/sig_long
T=$VH_T_TMP
db=sig_$$
vh_t_createdb "$db"

# Waits (at most 15 s) until the long statement runs on the server.
wait_long() {
  local _
  for _ in $(seq 1 300); do
    [ "$(vh_t_psql "$db" "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%sig_long%' AND state = 'active' AND pid <> pg_backend_pid()")" = 1 ] && return 0
    sleep 0.05
  done
  return 1
}
# Statements still running the long sleep (what an abandoned server does).
still_running() {
  vh_t_psql "$db" "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%sig_long%' AND pid <> pg_backend_pid()"
}

# interrupt NAME SIGNAL SCHEMA AT [ARGS...]: starts upgrade head (with ARGS),
# sends SIGNAL inside the long statement, checks what is left: the database
# at revision AT.
interrupt() {
  local name=$1 sig=$2 schema=$3 at=$4 rc=0 t0 ms
  shift 4
  # (a background job of a script starts with SIGINT ignored: undo that)
  env --default-signal=INT "$VHOST_BIN" --dsn "dbname=$db" --plugin-dir "$F" --schema "$schema" upgrade head "$@" \
    >"$T/out" 2>"$T/err" &
  local pid=$!
  VH_T_PIDS+=("$pid")
  if ! wait_long; then
    vh_t_fail "$name: the long statement started" "$(cat "$T/err")"
    return
  fi
  t0=$(vh_t_now_ms)
  kill -"$sig" "$pid"
  wait "$pid" || rc=$?
  ms=$(( $(vh_t_now_ms) - t0 ))
  vh_t_eq "$name: exits 1" 1 "$rc"
  vh_t_check "$name: within 5 s (took $ms ms)" test "$ms" -lt 5000
  vh_t_eq "$name: one FAILED line" 1 "$(grep -c 'FAILED: ' "$T/err" || true)"
  vh_t_check "$name: which says it was interrupted and rolled back" \
    grep -q "FAILED: .*interrupted by SIG$sig.*5a1000000002.*rolled back" "$T/err"
  vh_t_eq "$name: the statement was cancelled on the server" 0 "$(still_running)"
  vh_t_eq "$name: no advisory lock is left" 0 "$(vh_t_advisory_locks "$db")"
  vh_t_eq "$name: no lock on the revision's table is left" 0 \
    "$(vh_t_psql "$db" "SELECT count(*) FROM pg_locks WHERE relation = to_regclass('$schema.sig_t')")"
  vh_t_eq "$name: the database stays at the previous revision" "$at" "$(vh_t_versions "$db" "$schema")"
  vh_t_eq "$name: the column was rolled back" 0 \
    "$(vh_t_psql "$db" "SELECT count(*) FROM information_schema.columns WHERE table_schema = '$schema' AND table_name = 'sig_t' AND column_name = 'note'")"
  vh_t_eq "$name: the history table has the failed row" "5a1000000002 failed" \
    "$(vh_t_psql "$db" "SELECT revision || ' ' || outcome FROM $schema.vhost_history ORDER BY id DESC LIMIT 1")"
}

interrupt "SIGTERM" TERM sig_term 5a1000000001
interrupt "SIGINT" INT sig_int 5a1000000001
# the whole plan in one transaction: nothing of it stays
interrupt "SIGTERM, --single-transaction" TERM sig_single "" --single-transaction

# A signal while the revision is in its own code (no statement running):
# the statement it starts next is cancelled too.
env SIG_LONG_CLIENT_MS=1500 "$VHOST_BIN" --dsn "dbname=$db" --plugin-dir "$F" --schema sig_client \
  upgrade head >"$T/out" 2>"$T/err" &
pid=$!
VH_T_PIDS+=("$pid")
for _ in $(seq 1 200); do
  [ -n "$(vh_t_versions "$db" sig_client)" ] && break
  sleep 0.05
done
sleep 0.3
kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
vh_t_eq "a signal between statements: exits 1" 1 "$rc"
vh_t_eq "  the next statement was cancelled too" 0 "$(still_running)"
vh_t_eq "  at the previous revision" 5a1000000001 "$(vh_t_versions "$db" sig_client)"

# A second signal exits at once.
env --default-signal=INT "$VHOST_BIN" --dsn "dbname=$db" --plugin-dir "$F" --schema sig_twice upgrade head >"$T/out" 2>"$T/err" &
pid=$!
VH_T_PIDS+=("$pid")
wait_long || true
kill -INT "$pid"; kill -INT "$pid" 2>/dev/null || true
rc=0; wait "$pid" || rc=$?
vh_t_check "a second signal: exits non-zero (got $rc)" test "$rc" -ne 0
vh_t_check "  at once, with one FAILED line" test "$(grep -c 'FAILED: ' "$T/err")" = 1
vh_t_check "  and the statement is gone" vh_t_wait_idle "$db" 10

vh_t_finish
