#!/usr/bin/env bash
# test_concurrency.sh - many deploys at once (pods starting together).
#
#  1. 16 `vhost upgrade head` processes at once on an empty database (no
#     schema, no tables yet).
#  2. 16 at once from a middle revision.
#  3. 8 upgrades racing 8 `vhost current` calls.
# Every process exits 0; every revision is applied exactly once (history
# table); the database ends at head with head's schema; no lock is left;
# every `current` prints a revision of the chain (or nothing, at base).
# (tests/db/test_runner*.c covers 8 concurrent upgrades through the C
# harness; this one is the wider shell-level race, including schema
# creation and readers.)
#
# Environment: VH_CONC_PROCS (default 16), VH_CONC_SLEEP_MS (the chain's
# pauses, default 10).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
vh_t_setup concurrency

F=$VHOST_FIXTURE_DIR
db=rely_conc_$$
vh_t_createdb "$db"
HEAD=51ee90000006
VS=(--dsn "dbname=$db" --plugin-dir "$F/rely_sleep")
N=${VH_CONC_PROCS:-16}
PAUSE=${VH_CONC_SLEEP_MS:-10}

vh_t_run RELY_SLEEP_MS=0 -- "${VS[@]}" --schema rely_ref -q upgrade head
REF_HEAD=$(vh_t_schema_snapshot "$db" rely_ref)

# start_bg NAME ARGS...: starts vhost in the background (chain pauses on),
# output in $VH_T_TMP/NAME.{out,err}, pid appended to PIDS/NAMES.
PIDS=()
NAMES=()
start_bg() {
  local name=$1
  shift
  RELY_SLEEP_MS=$PAUSE "$VHOST_BIN" "${VS[@]}" "$@" \
    >"$VH_T_TMP/$name.out" 2>"$VH_T_TMP/$name.err" </dev/null &
  PIDS+=("$!")
  NAMES+=("$name")
  VH_T_PIDS+=("$!")
}

# Waits for every started process; sets BAD to the names of those that did
# not exit 0 (with their status and FAILED line) and resets the lists. (Not
# run in $(...): a subshell cannot wait for its parent's children.)
wait_all() {
  local i rc
  BAD=""
  for i in "${!PIDS[@]}"; do
    rc=0
    wait "${PIDS[i]}" || rc=$?
    [ "$rc" = 0 ] || BAD+="${NAMES[i]}:$rc($(grep -o 'FAILED: .*' "$VH_T_TMP/${NAMES[i]}.err" | head -c 160)) "
  done
  PIDS=()
  NAMES=()
}

# Checks schema $1 after a race: at head with head's schema, each revision
# applied exactly once, no lock left, and (from $2 on) how many waited.
check_schema() {
  local name=$1 s=$2
  vh_t_eq "$name: the version table names head" "$HEAD" "$(vh_t_versions "$db" "$s")"
  vh_t_eq "$name: head's schema" "$REF_HEAD" "$(vh_t_schema_snapshot "$db" "$s")"
  vh_t_eq "$name: every revision applied exactly once" \
    "51ee90000001=1 51ee90000002=1 51ee90000003=1 51ee90000004=1 51ee90000005=1 51ee90000006=1" \
    "$(vh_t_psql "$db" "SELECT string_agg(revision || '=' || n, ' ' ORDER BY revision) FROM
        (SELECT revision, count(*) AS n FROM $s.vhost_history
          WHERE direction = 'upgrade' AND outcome = 'applied' GROUP BY revision) h")"
  vh_t_eq "$name: nothing failed or was reverted" 0 \
    "$(vh_t_psql "$db" "SELECT count(*) FROM $s.vhost_history WHERE outcome NOT IN ('applied')")"
  vh_t_check "$name: sessions end" vh_t_wait_idle "$db" 15
  vh_t_eq "$name: no advisory lock left" 0 "$(vh_t_advisory_locks "$db")"
}

# How many of the named runs had to wait for the lock.
count_waiters() {
  local name n=0
  for name in "$@"; do
    grep -qs "Waiting for another migrator" "$VH_T_TMP/$name.err" && n=$((n + 1))
  done
  echo "$n"
}

# ---- 1. N upgrades at once on an empty database -------------------------------------
for i in $(seq 1 "$N"); do start_bg "empty$i" --schema rely_c1 upgrade head; done
wait_all
vh_t_eq "$N upgrades from an empty database: every process exits 0" "" "$BAD"
check_schema "$N upgrades from empty" rely_c1
waited=$(count_waiters $(seq -f 'empty%g' 1 "$N"))
vh_t_check "$N upgrades from empty: they really raced ($waited waited for the lock)" test "$waited" -ge 1
ran=0
for i in $(seq 1 "$N"); do grep -q "^Running upgrade" "$VH_T_TMP/empty$i.err" && ran=$((ran + 1)); done
echo "# from empty: $ran process(es) ran revisions, $waited waited for the lock, the rest found nothing to do"

# ---- 2. N upgrades at once from a middle revision --------------------------------------
vh_t_run RELY_SLEEP_MS=0 -- "${VS[@]}" --schema rely_c2 -q upgrade 51ee90000003
vh_t_eq "from the middle: set up at revision 3" "0 51ee90000003" "$VH_T_RC $(vh_t_versions "$db" rely_c2)"
for i in $(seq 1 "$N"); do start_bg "mid$i" --schema rely_c2 upgrade head; done
wait_all
vh_t_eq "$N upgrades from a middle revision: every process exits 0" "" "$BAD"
check_schema "$N upgrades from the middle" rely_c2
vh_t_eq "$N upgrades from the middle: revisions 1-3 were not run again" 0 \
  "$(cat "$VH_T_TMP"/mid*.err | grep -cE '^Running upgrade .*-> 51ee9000000[123],' || true)"

# ---- 3. 8 upgrades racing 8 `current` calls -----------------------------------------------
for i in $(seq 1 8); do
  start_bg "up$i" --schema rely_c3 upgrade head
  start_bg "cur$i" --schema rely_c3 current
done
wait_all
vh_t_eq "8 upgrades racing 8 current: every process exits 0" "" "$BAD"
check_schema "8 upgrades racing 8 current" rely_c3
bad=""
for i in $(seq 1 8); do
  out=$(cat "$VH_T_TMP/cur$i.out")
  # nothing (base), or one line: a chain id, " (head)" for the last
  if [ -n "$out" ] && ! printf '%s\n' "$out" | grep -qxE '51ee9000000[1-5]|51ee90000006 \(head\)'; then
    bad+="cur$i: '$out' "
  fi
done
vh_t_eq "8 upgrades racing 8 current: each current printed base or one revision of the chain" "" "$bad"

vh_t_finish
