#!/usr/bin/env bash
# test_topo_failover.sh - failover under a running `vhost upgrade head`.
#
# A primary and a synchronous standby (pg_basebackup -R); vhost is given
# both hosts (host=a,b target_session_attrs=read-write) and
# reconnect_timeout. While it runs the rely_sleep chain (6 revisions that
# each take a moment), the primary is stopped with -m immediate and the
# standby promoted:
#  1. at 10 different points of the run (5 under the sanitizers): vhost
#     finishes on the new primary with exit 0, the version table at head,
#     every revision recorded applied exactly once; it logged its retries,
#     that it reached the same cluster and that the timeline changed.
#  2. between COMMIT being sent and its reply (synchronous_commit =
#     remote_apply and the standby's replay paused, so the COMMIT waits,
#     then resumed before the promotion): the version table says that
#     revision committed, and vhost carries on without running it again.
#  3. a reconnect that lands on another cluster is an error, not a fresh
#     start.
# (The first rounds stop the primary before the first revision, while the
# lint gate (lint = warn, the default) looks at the chain: the run starts
# over on the new primary.)
# Each round starts from a copy of one stopped primary/standby pair.
# Own servers on VH_TOPO_PORT (default 55141) and the next.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
vh_t_setup topo_failover
. "$VH_T_ROOT/tests/sh/topo.sh"

A=$(vh_topo_dir a)
B=$(vh_topo_dir b)
TPL=$(vh_topo_dir tpl)
PA=$VH_TOPO_PORT
PB=$((VH_TOPO_PORT + 1))
ROUNDS=${TOPO_ROUNDS:-10}
[ "${VHOST_SANITIZED:-0}" = 1 ] && ROUNDS=5
PAUSE_MS=200
db=topo_fo
HEAD=51ee90000006
printf '[vhost]\nreconnect_timeout = 60s\n' >"$VH_T_TMP/fo.ini"
VS=(-c "$VH_T_TMP/fo.ini" --plugin-dir "$VHOST_FIXTURE_DIR/rely_sleep" --schema fo
  --dsn "host=$A,$B port=$PA,$PB user=postgres dbname=$db target_session_attrs=read-write connect_timeout=5")

# wait_sync DIR PORT: until a standby streams synchronously from DIR:PORT.
wait_sync() {
  local _
  for _ in $(seq 1 300); do
    [ "$(vh_topo_psql "$1" "$2" postgres "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync' AND state = 'streaming'" 2>/dev/null)" = 1 ] && return 0
    sleep 0.1
  done
  echo "no synchronous standby on $1" >&2
  return 1
}

# The pair, made once: A primary (every standby synchronous), B its standby.
vh_topo_primary "$A" "$PA"
vh_topo_psql "$A" "$PA" postgres "CREATE DATABASE $db" >/dev/null
vh_topo_standby "$A" "$PA" "$B" "$PB" topo_b
vh_topo_set "$A" "$PA" synchronous_standby_names '*'
wait_sync "$A" "$PA"
vh_topo_pg_ctl "$A" -m fast -w stop >/dev/null
vh_topo_pg_ctl "$B" -m fast -w stop >/dev/null
vh_pg_as_owner cp -a "$A/data" "$TPL/a"
vh_pg_as_owner cp -a "$B/data" "$TPL/b"

# fresh_pair: A primary and B synchronous standby again, from the copies.
fresh_pair() {
  vh_topo_pg_ctl "$A" -m immediate -w stop >/dev/null 2>&1 || true
  vh_topo_pg_ctl "$B" -m immediate -w stop >/dev/null 2>&1 || true
  vh_pg_as_owner rm -rf "$A/data" "$B/data"
  vh_pg_as_owner cp -a "$TPL/a" "$A/data"
  vh_pg_as_owner cp -a "$TPL/b" "$B/data"
  vh_topo_start "$A" "$PA"
  vh_topo_start "$B" "$PB"
  wait_sync "$A" "$PA"
}

# fail_over: the primary dies, the standby is promoted and, alone now, no
# longer waits for a synchronous standby.
fail_over() {
  vh_topo_pg_ctl "$A" -m immediate -w stop >/dev/null
  vh_topo_pg_ctl "$B" -w promote >/dev/null
  vh_topo_set "$B" "$PB" synchronous_standby_names ""
}

# start_vhost NAME: the upgrade in the background, pid in VPID.
start_vhost() {
  RELY_SLEEP_MS=$PAUSE_MS timeout 180 "$VHOST_BIN" "${VS[@]}" upgrade head \
    >"$VH_T_TMP/$1.out" 2>"$VH_T_TMP/$1.err" </dev/null &
  VPID=$!
  VH_T_PIDS+=("$VPID")
}

# wait_version REV: until the primary's version table names REV.
wait_version() {
  local _
  for _ in $(seq 1 400); do
    [ "$(vh_topo_psql "$A" "$PA" "$db" "SELECT version_num FROM fo.alembic_version" 2>/dev/null)" = "$1" ] && return 0
    sleep 0.05
  done
}

# check_round NAME RC: what must hold on the new primary after a round;
# appends problems to BAD.
check_round() {
  local name=$1 rc=$2 v n
  v=$(vh_topo_psql "$B" "$PB" "$db" "SELECT string_agg(version_num, ',') FROM fo.alembic_version" 2>&1 || true)
  n=$(vh_topo_psql "$B" "$PB" "$db" "SELECT string_agg(DISTINCT c::text, ',') || '/' || count(*) FROM
        (SELECT revision, count(*) AS c FROM fo.vhost_history
          WHERE direction = 'upgrade' AND outcome = 'applied' GROUP BY revision) h" 2>&1 || true)
  [ "$rc" = 0 ] || BAD+="$name: exit $rc ($(grep -o 'FAILED: .*' "$VH_T_TMP/$name.err" | head -c 300)); "
  [ "$v" = "$HEAD" ] || BAD+="$name: version table '$v'; "
  [ "$n" = "1/6" ] || BAD+="$name: applied counts '$n' (want each of 6 once); "
  [ -z "${TOPO_DEBUG:-}" ] || sed "s/^/# $name: /" "$VH_T_TMP/$name.err"
}

# ---- 1. the primary dies at different points of the run -------------------------------
BAD=""
resumed=0
timeline=0
reran=0
committed=0
for i in $(seq 1 "$ROUNDS"); do
  fresh_pair
  start_vhost "round$i"
  # Spread over the run: about 6 x 2 x PAUSE_MS of pauses, plus work.
  sleep "$(awk -v i="$i" -v n="$ROUNDS" -v p="$PAUSE_MS" 'BEGIN { printf "%.3f", (0.1 + (i - 1) * 2.2 * p / 1000 * 6 / n) }')"
  fail_over
  rc=0
  wait "$VPID" || rc=$?
  check_round "round$i" "$rc"
  err=$VH_T_TMP/round$i.err
  if grep -q "^Reconnected to .*the same cluster" "$err"; then
    resumed=$((resumed + 1))
    grep -q "its timeline changed from 1 to 2" "$err" && timeline=$((timeline + 1))
    grep -q "^Reconnected to .* (attempt [0-9]*)" "$err" || BAD+="round$i: the attempts were not logged; "
  fi
  grep -q "was not committed before the connection was lost; running it again" "$VH_T_TMP/round$i.err" && reran=$((reran + 1))
  grep -q "had committed before" "$VH_T_TMP/round$i.err" && committed=$((committed + 1))
done
echo "# $ROUNDS rounds: $resumed resumed after the failover ($reran reran the revision in flight, $committed found it committed)"
vh_t_eq "$ROUNDS failovers mid-run: every vhost exits 0 at head, each revision applied once" "" "$BAD"
vh_t_check "the failovers landed inside the run (at least $((ROUNDS * 7 / 10)) of $ROUNDS resumed)" \
  test "$resumed" -ge $((ROUNDS * 7 / 10))
vh_t_eq "every resumed run said the timeline changed" "$resumed" "$timeline"
vh_t_check "some stops landed inside a revision, which was run again ($reran)" test "$reran" -ge 1

# ---- 2. the primary dies between COMMIT sent and its reply --------------------------------
fresh_pair
vh_topo_set "$A" "$PA" synchronous_commit remote_apply
for _ in $(seq 1 100); do # the reload reaches new sessions a moment later
  [ "$(vh_topo_psql "$A" "$PA" postgres "SHOW synchronous_commit")" = remote_apply ] && break
  sleep 0.05
done
start_vhost doubt
# Once revision 2 is in, hold the standby's replay: the next COMMIT waits.
wait_version 51ee90000002
vh_topo_psql "$B" "$PB" postgres "SELECT pg_wal_replay_pause()" >/dev/null
waiting=""
for _ in $(seq 1 300); do
  waiting=$(vh_topo_psql "$A" "$PA" postgres "SELECT query FROM pg_stat_activity WHERE wait_event = 'SyncRep' AND application_name = 'vhost'" 2>/dev/null | tr '\n' ' ')
  [ -n "$waiting" ] && break
  sleep 0.05
done
vh_t_check "a revision's COMMIT was sent and is waiting for its reply" \
  grep -q "COMMIT" <<<"$waiting"
vh_topo_pg_ctl "$A" -m immediate -w stop >/dev/null
vh_topo_psql "$B" "$PB" postgres "SELECT pg_wal_replay_resume()" >/dev/null
vh_topo_pg_ctl "$B" -w promote >/dev/null
vh_topo_set "$B" "$PB" synchronous_standby_names ""
rc=0
wait "$VPID" || rc=$?
BAD=""
check_round doubt "$rc"
vh_t_eq "stopped between COMMIT and its reply: exit 0 at head, each revision applied once" "" "$BAD"
doubt=$(grep -o "The version table shows upgrade [0-9a-f]* had committed before the connection was lost" "$VH_T_TMP/doubt.err" | cut -d' ' -f6 || true)
vh_t_check "... vhost read from the version table that the revision in doubt ($doubt) had committed" \
  test -n "$doubt"
vh_t_eq "... and did not run it again" 1 "$(grep -c "Running upgrade .* -> $doubt," "$VH_T_TMP/doubt.err")"

# ---- 3. a reconnect that lands on another cluster ------------------------------------------
fresh_pair
# An unrelated cluster takes B's place: same socket and port, another
# system identifier.
vh_topo_pg_ctl "$B" -m immediate -w stop >/dev/null
vh_pg_as_owner rm -rf "$B/data"
vh_topo_primary "$B" "$PB"
vh_topo_psql "$B" "$PB" postgres "CREATE DATABASE $db" >/dev/null
vh_topo_set "$A" "$PA" synchronous_standby_names ""
start_vhost other
wait_version 51ee90000001
vh_topo_pg_ctl "$A" -m immediate -w stop >/dev/null
rc=0
wait "$VPID" || rc=$?
vh_t_eq "reconnected to another cluster: exit 1" 1 "$rc"
[ -z "${TOPO_DEBUG:-}" ] || sed "s/^/# other: /" "$VH_T_TMP/other.err"
vh_t_check "... saying it is another cluster and that nothing more was run" \
  grep -q "FAILED: reconnected to .*, but it is another cluster (system identifier [0-9]*, not [0-9]*), so vhost stops there: nothing more was run" "$VH_T_TMP/other.err"
vh_t_eq "... and nothing was created there" "" \
  "$(vh_topo_psql "$B" "$PB" "$db" "SELECT to_regnamespace('fo')")"

vh_t_finish
