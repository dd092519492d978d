#!/usr/bin/env bash
# test_faults.sh - what a deploy leaves behind when it is cut short.
#
#  1. The kill loop: `vhost upgrade head` over the six-revision rely_sleep
#     chain is SIGKILLed at a random moment, VH_FAULT_TRIALS times (12 under
#     ctest; scripts/faults runs 50+). After each kill: the server has let go
#     of every advisory lock, the version table names revision k and the
#     schema is exactly revision k's (compared with reference snapshots),
#     the history table holds each applied revision exactly once, and a
#     rerun reaches head with head's schema.
#  2. A revision whose second statement fails (three ways): the first
#     statement's effect is gone, the version table is untouched, the
#     failure is recorded, and the fixed revision then applies.
#  3. A non-transactional revision killed half-way: the next run refuses,
#     naming the revision and both ways out; each way out then works.
#
# Environment: VH_FAULT_TRIALS (default 12), VH_FAULT_SLEEP_MS (each of the
# chain's pauses, default 15), VH_FAULT_SEED (for $RANDOM, default: the pid).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
vh_t_setup faults

F=$VHOST_FIXTURE_DIR
db=rely_faults_$$
vh_t_createdb "$db"
SLEEP_IDS=(51ee90000001 51ee90000002 51ee90000003 51ee90000004 51ee90000005 51ee90000006)
VS=(--dsn "dbname=$db" --plugin-dir "$F/rely_sleep")

# ---- reference snapshots: the schema at each revision of the chain --------------
declare -a REF
REF[0]=$(vh_t_schema_snapshot "$db" rely_ref)
for k in 1 2 3 4 5 6; do
  vh_t_run RELY_SLEEP_MS=0 -- "${VS[@]}" --schema rely_ref -q upgrade "${SLEEP_IDS[k - 1]}"
  [ "$VH_T_RC" = 0 ] || { vh_t_fail "reference upgrade to revision $k"; vh_t_finish; }
  REF[k]=$(vh_t_schema_snapshot "$db" rely_ref)
done
vh_t_eq "reference snapshots: base is empty and every revision differs" "7 " \
  "$(for k in 0 1 2 3 4 5 6; do echo "${REF[k]}" | md5sum; done | sort -u | wc -l) ${REF[0]}"
IDS_SQL=$(printf "'%s'," "${SLEEP_IDS[@]}")
IDS_SQL=${IDS_SQL%,}

# Index (0 = base) of the revision the version table of schema $1 names;
# "many" when it holds several rows, "?" for an id outside the chain.
rev_index() {
  local rows k
  rows=$(vh_t_versions "$db" "$1")
  [ -z "$rows" ] && { echo 0; return; }
  [ "$(printf '%s\n' "$rows" | wc -l)" = 1 ] || { echo many; return; }
  for k in 1 2 3 4 5 6; do
    [ "$rows" = "${SLEEP_IDS[k - 1]}" ] && { echo "$k"; return; }
  done
  echo "?"
}

# Net applications (applied minus reverted) per revision in schema $1's
# history, as "id=n" words, for every revision of the chain.
net_applied() {
  vh_t_psql "$db" "SELECT string_agg(format('%s=%s', r, coalesce(n, 0)), ' ' ORDER BY r)
    FROM unnest(ARRAY[$IDS_SQL]) AS r
    LEFT JOIN (SELECT revision, sum(CASE outcome WHEN 'applied' THEN 1 WHEN 'reverted' THEN -1 ELSE 0 END) AS n
                 FROM $1.vhost_history GROUP BY revision) h ON h.revision = r"
}

# What net_applied should say at revision index $1.
expected_net() {
  local k out=""
  for k in 1 2 3 4 5 6; do
    out+="${out:+ }${SLEEP_IDS[k - 1]}=$((k <= $1 ? 1 : 0))"
  done
  echo "$out"
}

# ---- 1. the kill loop ------------------------------------------------------------
TRIALS=${VH_FAULT_TRIALS:-12}
PAUSE=${VH_FAULT_SLEEP_MS:-15}
RANDOM=${VH_FAULT_SEED:-$$}
S=rely_kill

# One full run sets up the tables and measures how long the chain takes, so
# the kills spread over the whole run (plus 10% after it).
t0=$(vh_t_now_ms)
vh_t_run RELY_SLEEP_MS="$PAUSE" -- "${VS[@]}" --schema $S -q upgrade head
chain_ms=$(($(vh_t_now_ms) - t0))
vh_t_eq "kill loop: a full run succeeds" 0 "$VH_T_RC"
vh_t_run -- "${VS[@]}" --schema $S -q downgrade base
vh_t_eq "kill loop: downgrade to base" 0 "$VH_T_RC"

declare -a LANDED=(0 0 0 0 0 0 0)
finished=0 bad_lock=0 bad_linger=0 bad_schema=0 bad_history=0 bad_rerun=0 bad_down=0
max_linger=0 detail=""
for trial in $(seq 1 "$TRIALS"); do
  delay=$((RANDOM * 32768 + RANDOM))
  delay=$((delay % (chain_ms * 11 / 10 + 1)))
  RELY_SLEEP_MS=$PAUSE "$VHOST_BIN" "${VS[@]}" --schema $S -q upgrade head \
    >"$VH_T_TMP/kill.out" 2>"$VH_T_TMP/kill.err" </dev/null &
  pid=$!
  VH_T_PIDS+=("$pid")
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  kill -9 "$pid" 2>/dev/null || true
  rc=0
  wait "$pid" 2>/dev/null || rc=$?
  [ "$rc" = 0 ] && finished=$((finished + 1))
  [ "$rc" = 0 ] || [ "$rc" = 137 ] || detail+=" trial $trial: exit $rc ($(head -c 200 "$VH_T_TMP/kill.err"));"

  # The killed client's server process notices the closed socket and exits,
  # releasing the session lock; it must not take long, nor leave anything.
  t0=$(vh_t_now_ms)
  vh_t_wait_idle "$db" 15 || { bad_linger=$((bad_linger + 1)); detail+=" trial $trial: sessions linger;"; }
  linger=$(($(vh_t_now_ms) - t0))
  [ "$linger" -gt "$max_linger" ] && max_linger=$linger
  locks=$(vh_t_advisory_locks "$db")
  [ "$locks" = 0 ] || { bad_lock=$((bad_lock + 1)); detail+=" trial $trial: $locks advisory locks held;"; }

  k=$(rev_index $S)
  if [ "$k" = many ] || [ "$k" = "?" ]; then
    bad_schema=$((bad_schema + 1))
    detail+=" trial $trial: version table holds '$(vh_t_versions "$db" $S | tr '\n' ' ')';"
    k=0
  else
    LANDED[k]=$((LANDED[k] + 1))
    if [ "$(vh_t_schema_snapshot "$db" $S)" != "${REF[k]}" ]; then
      bad_schema=$((bad_schema + 1))
      detail+=" trial $trial: schema differs from revision $k's;"
      diff <(echo "${REF[k]}") <(vh_t_schema_snapshot "$db" $S) | head -n 6 | sed 's/^/    /' || true
    fi
    got=$(net_applied $S)
    [ "$got" = "$(expected_net "$k")" ] || {
      bad_history=$((bad_history + 1)); detail+=" trial $trial: history at $k says $got;"; }
  fi

  vh_t_run RELY_SLEEP_MS=0 -- "${VS[@]}" --schema $S -q upgrade head
  if [ "$VH_T_RC" != 0 ] || [ "$(rev_index $S)" != 6 ] ||
     [ "$(vh_t_schema_snapshot "$db" $S)" != "${REF[6]}" ] ||
     [ "$(net_applied $S)" != "$(expected_net 6)" ]; then
    bad_rerun=$((bad_rerun + 1))
    detail+=" trial $trial: rerun from $k failed (exit $VH_T_RC: $(vh_t_failed_lines | head -n 1));"
  fi
  vh_t_run -- "${VS[@]}" --schema $S -q downgrade base
  [ "$VH_T_RC" = 0 ] || { bad_down=$((bad_down + 1)); detail+=" trial $trial: downgrade failed;"; }
done
[ -n "$detail" ] && echo "kill loop problems:$detail"
echo "kill loop: $TRIALS trials (pauses ${PAUSE} ms, chain ${chain_ms} ms, seed ${VH_FAULT_SEED:-$$});" \
  "the version table was left at: base ${LANDED[0]}, r1 ${LANDED[1]}, r2 ${LANDED[2]}, r3 ${LANDED[3]}," \
  "r4 ${LANDED[4]}, r5 ${LANDED[5]}, head ${LANDED[6]} (run finished before the kill: $finished);" \
  "killed sessions gone within ${max_linger} ms"
vh_t_eq "kill loop: no server session lingers after a kill" 0 "$bad_linger"
vh_t_eq "kill loop: no advisory lock left held after a kill" 0 "$bad_lock"
vh_t_eq "kill loop: the version table names a revision whose schema is exactly the database's" 0 "$bad_schema"
vh_t_eq "kill loop: the history table holds each applied revision exactly once" 0 "$bad_history"
vh_t_eq "kill loop: a rerun reaches head with head's schema" 0 "$bad_rerun"
vh_t_eq "kill loop: downgrade to base after each trial" 0 "$bad_down"

# ---- 2. a revision that fails half-way -------------------------------------------
VH=(--dsn "dbname=$db" --plugin-dir "$F/rely_half" --schema rely_half)
vh_t_run -- "${VH[@]}" -q upgrade 4a1f00000001
vh_t_eq "half: base applies" 0 "$VH_T_RC"
for mode in separate joined verify; do
  before=$(vh_t_snapshot "$db")
  vh_t_run RELY_HALF=$mode -- "${VH[@]}" upgrade head
  vh_t_eq "half ($mode): exit status 1" 1 "$VH_T_RC"
  msg=$(vh_t_failed_lines)
  case $mode in
    separate) want='4a1f00000002.*division by zero \(SQLSTATE 22012\) in statement: INSERT INTO rely_h0 SELECT 1/0' ;;
    joined) want='4a1f00000002.*division by zero \(SQLSTATE 22012\) in statement: CREATE TABLE rely_h1' ;;
    verify) want="4a1f00000002.*rely_h1 isn't right" ;;
  esac
  vh_t_check "half ($mode): one FAILED line naming the revision and the error" \
    test "$(printf '%s\n' "$msg" | grep -cE "$want")" = 1 -a "$(printf '%s\n' "$msg" | wc -l)" = 1
  vh_t_eq "half ($mode): the first statement's table is gone" "" \
    "$(vh_t_psql "$db" "SELECT to_regclass('rely_half.rely_h1')")"
  vh_t_eq "half ($mode): the first statement's row is gone" 0 \
    "$(vh_t_psql "$db" "SELECT count(*) FROM rely_half.rely_h0")"
  vh_t_eq "half ($mode): the version table still names the parent" 4a1f00000001 \
    "$(vh_t_versions "$db" rely_half)"
  vh_t_eq "half ($mode): the failure is recorded in the history table" 1 \
    "$(vh_t_psql "$db" "SELECT count(*) FROM rely_half.vhost_history WHERE revision = '4a1f00000002'
       AND outcome = 'failed' AND error <> '' AND id = (SELECT max(id) FROM rely_half.vhost_history)")"
  # Apart from that history row, nothing changed.
  after=$(vh_t_snapshot "$db")
  vh_t_eq "half ($mode): nothing else changed" \
    "$(printf '%s\n' "$before" | grep -v '^rely_half.vhost_history ')" \
    "$(printf '%s\n' "$after" | grep -v '^rely_half.vhost_history ')"
  vh_t_eq "half ($mode): no advisory lock left" 0 "$(vh_t_advisory_locks "$db")"
done
vh_t_eq "half: the recorded error keeps quotes and backslashes intact" \
  "rely_h1 isn't right (RELY_HALF=verify) \\ end" \
  "$(vh_t_psql "$db" "SELECT error FROM rely_half.vhost_history WHERE outcome = 'failed' ORDER BY id DESC LIMIT 1")"
vh_t_run RELY_HALF=ok -- "${VH[@]}" -q upgrade head
vh_t_eq "half: the fixed revision applies on the next run" "0 4a1f00000002 t 1" \
  "$VH_T_RC $(vh_t_versions "$db" rely_half) $(vh_t_psql "$db" "SELECT to_regclass('rely_half.rely_h1') IS NOT NULL, (SELECT count(*) FROM rely_half.rely_h0)" | tr '|' ' ')"

# ---- 3. a non-transactional revision killed half-way -------------------------------
VN=(--dsn "dbname=$db" --plugin-dir "$F/rely_nontx" --schema rely_nontx)

# Starts `upgrade head`, waits until the revision's first index exists (it
# then sleeps before the second), and SIGKILLs the host there.
kill_nontx_midway() {
  local pid rc=0
  RELY_NONTX_SLEEP_MS=20000 "$VHOST_BIN" "${VN[@]}" -q upgrade head >/dev/null 2>&1 </dev/null &
  pid=$!
  VH_T_PIDS+=("$pid")
  for _ in $(seq 1 200); do
    [ "$(vh_t_psql "$db" "SELECT to_regclass('rely_nontx.rely_n_a') IS NOT NULL")" = t ] && break
    sleep 0.05
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || rc=$?
  vh_t_eq "nontx: the host was killed inside the revision" 137 "$rc"
  vh_t_check "nontx: its session goes away" vh_t_wait_idle "$db" 15
  vh_t_eq "nontx: half of it took effect (index a, not b)" "t f" \
    "$(vh_t_psql "$db" "SELECT to_regclass('rely_nontx.rely_n_a') IS NOT NULL, to_regclass('rely_nontx.rely_n_b') IS NOT NULL" | tr '|' ' ')"
}

# The refusal: every mutating command stops, naming the revision and the
# ways out, and changes nothing.
check_refusal() {
  local before cmd
  before=$(vh_t_snapshot "$db")
  for cmd in "upgrade head" "upgrade +1" "downgrade base"; do
    # shellcheck disable=SC2086
    vh_t_run -- "${VN[@]}" $cmd
    vh_t_eq "nontx: '$cmd' refuses (exit 1)" 1 "$VH_T_RC"
    vh_t_check "nontx: '$cmd' names the revision and how to resolve it" \
      grep -qE "FAILED: non-transactional revision 4e0a00000002 .*interrupted.*vhost stamp 4e0a00000002.*--retry-interrupted" "$VH_T_TMP/err"
  done
  vh_t_eq "nontx: the refusals changed nothing" "$before" "$(vh_t_snapshot "$db")"
  vh_t_eq "nontx: the version table still names the parent" 4e0a00000001 "$(vh_t_versions "$db" rely_nontx)"
  vh_t_eq "nontx: no advisory lock left" 0 "$(vh_t_advisory_locks "$db")"
  vh_t_run -- "${VN[@]}" current
  vh_t_eq "nontx: read-only 'current' still works" "0 4e0a00000001" "$VH_T_RC $(cat "$VH_T_TMP/out")"
}

kill_nontx_midway
check_refusal
# Way out 1: run it again (it is written to be rerun).
vh_t_run -- "${VN[@]}" -q upgrade head --retry-interrupted
vh_t_eq "nontx: --retry-interrupted finishes it and carries on to head" "0 4e0a00000003" \
  "$VH_T_RC $(vh_t_versions "$db" rely_nontx)"
vh_t_run -- "${VN[@]}" upgrade head
vh_t_eq "nontx: afterwards the next run has nothing to do" 0 "$VH_T_RC"
vh_t_check "nontx: ... and says so" grep -q "Nothing to do" "$VH_T_TMP/err"

# Way out 2: finish it by hand and stamp.
vh_t_run -- "${VN[@]}" -q downgrade 4e0a00000001
vh_t_eq "nontx: downgrade below it" "0 4e0a00000001" "$VH_T_RC $(vh_t_versions "$db" rely_nontx)"
kill_nontx_midway
check_refusal
vh_t_psql "$db" "CREATE INDEX rely_n_b ON rely_nontx.rely_n (b)"
vh_t_run -- "${VN[@]}" -q stamp 4e0a00000002
vh_t_eq "nontx: the operator stamps the revision once it is complete" "0 4e0a00000002" \
  "$VH_T_RC $(vh_t_versions "$db" rely_nontx)"
vh_t_run -- "${VN[@]}" -q upgrade head
vh_t_eq "nontx: after the stamp the run carries on to head" "0 4e0a00000003" \
  "$VH_T_RC $(vh_t_versions "$db" rely_nontx)"

# A crash inside it: the report must not promise a rollback.
vh_t_run -- "${VN[@]}" -q downgrade 4e0a00000001
vh_t_run RELY_NONTX_CRASH=1 -- "${VN[@]}" upgrade head
vh_t_check "nontx: a crash inside it is reported as possibly half done" \
  test "$VH_T_RC" != 0 -a "$(grep -c 'FAILED: revision 4e0a00000002 crashed .*outside a transaction, so part of it may have taken effect' "$VH_T_TMP/err")" = 1
vh_t_check "nontx: its session goes away" vh_t_wait_idle "$db" 15
check_refusal
vh_t_run -- "${VN[@]}" -q upgrade head --retry-interrupted
vh_t_eq "nontx: --retry-interrupted recovers from the crash" "0 4e0a00000003" \
  "$VH_T_RC $(vh_t_versions "$db" rely_nontx)"

vh_t_finish
