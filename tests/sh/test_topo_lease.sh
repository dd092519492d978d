#!/usr/bin/env bash
# test_topo_lease.sh - the lease through Debian's pgbouncer (transaction
# mode) when revisions outlast it: lock_lease = 2s, and revisions that take
# several times that long.
#
#  1. A non-transactional revision (CREATE INDEX CONCURRENTLY, then a pause
#     of 7 s) while a second run waits: the heartbeat keeps the lease, so the
#     waiter never takes it over; both exit 0 and the revision ran once.
#  2. Transactional revisions of about 4 s each while a second run waits:
#     the renewal queued behind the running revision renews the lease the
#     moment it commits; both exit 0, each revision applied once.
#  3. A run killed with SIGKILL mid-revision: its lease frees itself within
#     lock_lease, and the next run finishes (exit 0, each revision once).
#  4. lock_lease under 1s is refused, naming the file.
# Own cluster and pgbouncer, on VH_TOPO_PORT (default 55141) and the next.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
vh_t_setup topo_lease
. "$VH_T_ROOT/tests/sh/topo.sh"

PG=$(vh_topo_dir pg)
BOUNCER=$(vh_topo_dir bouncer)
PG_PORT=$((VH_TOPO_PORT + 1))
vh_topo_primary "$PG" "$PG_PORT"
vh_topo_bouncer "$BOUNCER" "$VH_TOPO_PORT" "$PG" "$PG_PORT" 4
export PGHOST=$PG PGPORT=$PG_PORT PGUSER=postgres PGDATABASE=postgres
db=topo_lease
createdb "$db" # the cluster is thrown away whole
printf '[vhost]\nlock_lease = 2s\nlint = off\n' >"$VH_T_TMP/lease.ini"
VIA=(-c "$VH_T_TMP/lease.ini" --dsn "host=$BOUNCER port=$VH_TOPO_PORT user=postgres dbname=$db")

# applied SCHEMA: "revision:count" of applied upgrades, in order.
applied() {
  vh_t_psql "$db" "SELECT string_agg(revision || ':' || c, ' ' ORDER BY revision) FROM
    (SELECT revision, count(*) AS c FROM $1.vhost_history
      WHERE direction = 'upgrade' AND outcome = 'applied' GROUP BY revision) h"
}

# bg NAME ENV... -- ARGS...: vhost in the background, pid in BGPID.
bg() {
  local name=$1 envs=()
  shift
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done
  shift
  env ${envs[@]+"${envs[@]}"} "$VHOST_BIN" "${VIA[@]}" "$@" \
    >"$VH_T_TMP/$name.out" 2>"$VH_T_TMP/$name.err" </dev/null &
  BGPID=$!
  VH_T_PIDS+=("$BGPID")
}

# until_true SQL: waits (up to 60 s) until SQL answers t.
until_true() {
  local _
  for _ in $(seq 1 1200); do
    [ "$(vh_t_psql "$db" "$1" 2>/dev/null)" = t ] && return 0
    sleep 0.05
  done
  echo "timed out waiting for: $1" >&2
  return 1
}

# pair NAME ENV SQL ARGS...: run NAME_a (with ENV) until SQL answers t, then
# NAME_b (without it), both with ARGS; their exit codes in RCS ("a b").
pair() {
  local name=$1 env=$2 sql=$3 a b rca=0 rcb=0
  shift 3
  bg "${name}_a" "$env" -- "$@"
  a=$BGPID
  until_true "$sql"
  bg "${name}_b" -- "$@"
  b=$BGPID
  wait "$a" || rca=$?
  wait "$b" || rcb=$?
  RCS="$rca $rcb"
}

# ---- 1. a non-transactional revision outlasts the lease ---------------------------
NX=(--plugin-dir "$VHOST_FIXTURE_DIR/rely_nontx" --schema lease_nx)
pair nx RELY_NONTX_SLEEP_MS=7000 "SELECT to_regclass('lease_nx.rely_n_a') IS NOT NULL" \
  "${NX[@]}" upgrade head
vh_t_eq "non-transactional revision of 7 s, lease 2 s, a run waiting: both exit 0" "0 0" "$RCS"
vh_t_eq "... each revision applied once" \
  "4e0a00000001:1 4e0a00000002:1 4e0a00000003:1" "$(applied lease_nx)"
vh_t_check "... the second run waited for the first" grep -q "Waiting for another migrator" "$VH_T_TMP/nx_b.err"

# ---- 2. transactional revisions outlast the lease ----------------------------------
SL=(--plugin-dir "$VHOST_FIXTURE_DIR/rely_sleep" --schema lease_tx)
pair tx RELY_SLEEP_MS=1800 \
  "SELECT to_regclass('lease_tx.vhost_lock') IS NOT NULL AND EXISTS (SELECT FROM lease_tx.vhost_lock)" \
  "${SL[@]}" upgrade 51ee90000003
vh_t_eq "transactional revisions of about 4 s, lease 2 s, a run waiting: both exit 0" "0 0" "$RCS"
vh_t_eq "... each revision applied once" \
  "51ee90000001:1 51ee90000002:1 51ee90000003:1" "$(applied lease_tx)"
vh_t_check "... the first run ran them all" \
  test "$(grep -c '^Running upgrade' "$VH_T_TMP/tx_a.out" "$VH_T_TMP/tx_a.err" | awk -F: '{ s += $2 } END { print s }')" = 3

# ---- 3. a killed run's lease frees itself within lock_lease -------------------------
KL=(--plugin-dir "$VHOST_FIXTURE_DIR/rely_sleep" --schema lease_kill)
bg kill_a RELY_SLEEP_MS=1400 -- "${KL[@]}" upgrade head
A=$BGPID
until_true "SELECT to_regclass('lease_kill.rely_t1') IS NOT NULL"
kill -9 "$A"
wait "$A" || true
t0=$(date +%s.%N)
vh_t_run -- "${VIA[@]}" "${KL[@]}" upgrade head
t1=$(date +%s.%N)
vh_t_eq "after a SIGKILL mid-revision the next run finishes" "0" "$VH_T_RC"
vh_t_eq "... each revision applied once" \
  "51ee90000001:1 51ee90000002:1 51ee90000003:1 51ee90000004:1 51ee90000005:1 51ee90000006:1" \
  "$(applied lease_kill)"
vh_t_check "... after waiting no longer than the lease, not a minute ($(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s in all)" \
  awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 40) }'

# ---- 4. a lease too short to renew --------------------------------------------------
printf '[vhost]\nlock_lease = 500ms\n' >"$VH_T_TMP/short.ini"
vh_t_run -- -c "$VH_T_TMP/short.ini" --dsn "host=$BOUNCER port=$VH_TOPO_PORT user=postgres dbname=$db" \
  --plugin-dir "$VHOST_FIXTURE_DIR/rely_sleep" --schema lease_short upgrade head
vh_t_eq "lock_lease = 500ms is refused before anything runs, naming the file" \
  "2 FAILED: $VH_T_TMP/short.ini: lock_lease = 500 ms is too short: the lease needs at least 1s to be renewed in time" \
  "$VH_T_RC $(cat "$VH_T_TMP/err")"
vh_t_eq "... and nothing was created" "" "$(vh_t_psql "$db" "SELECT to_regnamespace('lease_short')")"
vh_t_finish
