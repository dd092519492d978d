#!/usr/bin/env bash
# test_faults_restart.sh - the PostgreSQL server restarted (fast shutdown)
# in the middle of a run. Uses its own private cluster (never the shared
# one): the server is restarted twice.
#
#  1. Restart while a revision runs: the host reports the lost connection on
#     one line naming the revision, exits 1; the version table names a
#     revision whose schema is exactly the database's; a rerun reaches head.
#  2. Restart while one host migrates and a second waits for the migration
#     lock: both say what happened and exit 1; a rerun reaches head.
#
# Environment: VH_RESTART_PORT (the private cluster's port, default 54333;
# it listens on a Unix socket in its own directory only).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
vh_t_setup restart
. "$VHOST_SOURCE_DIR/scripts/lib/pg.sh"

PGBASE=/tmp/vhrely-$$
stop_private() {
  vh_t_cleanup
  vh_pg_stop "$PGBASE"
  rm -rf "$PGBASE"
}
trap stop_private EXIT
VH_PG_PORT=${VH_RESTART_PORT:-54333} vh_pg_start "$PGBASE"
BINDIR=$(vh_pg_bindir)

# Fast shutdown and start again, as an operator or a failover would.
restart_server() {
  vh_pg_as_owner "$BINDIR/pg_ctl" -D "$PGBASE/data" -m fast -w -t 60 restart >/dev/null
}

F=$VHOST_FIXTURE_DIR
db=rely_restart
vh_t_createdb "$db"
IDS=(51ee90000001 51ee90000002 51ee90000003 51ee90000004 51ee90000005 51ee90000006)
VS=(--dsn "dbname=$db" --plugin-dir "$F/rely_sleep")

declare -a REF
REF[0]=""
for k in 1 2 3 4 5 6; do
  vh_t_run RELY_SLEEP_MS=0 -- "${VS[@]}" --schema rely_ref -q upgrade "${IDS[k - 1]}"
  REF[k]=$(vh_t_schema_snapshot "$db" rely_ref)
done

# Index (0 = base) of the revision schema $1's version table names.
rev_index() {
  local rows k
  rows=$(vh_t_versions "$db" "$1")
  [ -z "$rows" ] && { echo 0; return; }
  for k in 1 2 3 4 5 6; do
    [ "$rows" = "${IDS[k - 1]}" ] && { echo "$k"; return; }
  done
  echo "? ($rows)"
}

# Waits (at most 20 s) until schema $1's version table names revision $2.
wait_for_revision() {
  local _
  for _ in $(seq 1 400); do
    [ "$(vh_t_versions "$db" "$1" 2>/dev/null)" = "$2" ] && return 0
    sleep 0.05
  done
  return 1
}

# Checks what a failed run (stderr in file $2) said: exactly one FAILED
# line, nothing after it, naming the connection loss and `what` ($3).
check_report() {
  local name=$1 err=$2 what=$3
  vh_t_eq "$name: one FAILED line" 1 "$(grep -c 'FAILED: ' "$err" || true)"
  vh_t_eq "$name: the message is the last line (no multi-line libpq text)" \
    "$(grep -n 'FAILED: ' "$err" | cut -d: -f1)" "$(wc -l <"$err")"
  vh_t_check "$name: it says the connection to the server was lost" \
    grep -qE 'FAILED: .*lost the connection to the server' "$err"
  vh_t_check "$name: it says $what" grep -qE "FAILED: .*$what" "$err"
}

# Checks schema $1 after the restart: consistent, lock-free, and a rerun
# reaches head.
check_after() {
  local name=$1 s=$2 k
  vh_t_check "$name: the server's sessions are gone" vh_t_wait_idle "$db" 15
  vh_t_eq "$name: no advisory lock held" 0 "$(vh_t_advisory_locks "$db")"
  k=$(rev_index "$s")
  case $k in
    [0-6]) vh_t_eq "$name: the schema is exactly revision $k's" "${REF[k]}" "$(vh_t_schema_snapshot "$db" "$s")" ;;
    *) vh_t_fail "$name: the version table names a known revision" "$k" ;;
  esac
  vh_t_run RELY_SLEEP_MS=0 -- "${VS[@]}" --schema "$s" -q upgrade head
  vh_t_eq "$name: a rerun reaches head" "0 6" "$VH_T_RC $(rev_index "$s")"
  vh_t_eq "$name: ... with head's schema" "${REF[6]}" "$(vh_t_schema_snapshot "$db" "$s")"
  vh_t_eq "$name: every revision applied exactly once" 6 \
    "$(vh_t_psql "$db" "SELECT count(DISTINCT revision) FROM $s.vhost_history WHERE outcome = 'applied'
       HAVING count(*) = 6")"
}

# ---- 1. restart while a revision runs ---------------------------------------------
RELY_SLEEP_MS=300 "$VHOST_BIN" "${VS[@]}" --schema rely_r1 upgrade head \
  >"$VH_T_TMP/r1.out" 2>"$VH_T_TMP/r1.err" </dev/null &
pid=$!
VH_T_PIDS+=("$pid")
vh_t_check "restart mid-revision: the run gets going" wait_for_revision rely_r1 51ee90000002
sleep 0.2
restart_server
rc=0
wait "$pid" || rc=$?
vh_t_eq "restart mid-revision: the host exits 1" 1 "$rc"
check_report "restart mid-revision" "$VH_T_TMP/r1.err" "upgrade 51ee90000003"
check_after "restart mid-revision" rely_r1

# ---- 2. restart while a second host waits for the lock ----------------------------
declare -A PID
for n in a b; do
  RELY_SLEEP_MS=300 "$VHOST_BIN" "${VS[@]}" --schema rely_r2 upgrade head \
    >"$VH_T_TMP/r2$n.out" 2>"$VH_T_TMP/r2$n.err" </dev/null &
  PID[$n]=$!
  VH_T_PIDS+=("$!")
done
for _ in $(seq 1 200); do
  grep -qs "Waiting for another migrator" "$VH_T_TMP/r2a.err" "$VH_T_TMP/r2b.err" && break
  sleep 0.05
done
vh_t_check "restart during a lock wait: one host waits for the other" \
  grep -qs "Waiting for another migrator" "$VH_T_TMP/r2a.err" "$VH_T_TMP/r2b.err"
sleep 0.5
restart_server
rc_a=0 rc_b=0
wait "${PID[a]}" || rc_a=$?
wait "${PID[b]}" || rc_b=$?
vh_t_eq "restart during a lock wait: both hosts exit 1" "1 1" "$rc_a $rc_b"
if grep -q "Waiting for another migrator" "$VH_T_TMP/r2a.err"; then
  waiter=a migrator=b
else
  waiter=b migrator=a
fi
check_report "restart during a lock wait (migrating host)" "$VH_T_TMP/r2$migrator.err" "upgrade 51ee9000000"
check_report "restart during a lock wait (waiting host)" "$VH_T_TMP/r2$waiter.err" "migration lock"
check_after "restart during a lock wait" rely_r2
# VH_T_VERBOSE=1 shows what the hosts said (for docs/reliability.md).
if [ -n "${VH_T_VERBOSE:-}" ]; then cat "$VH_T_TMP/r1.err" "$VH_T_TMP"/r2?.err; fi

vh_t_finish
