#!/usr/bin/env bash
# test_history_gaps.sh - what the history table must hold (issue 20, items
# 4 and 9): a row per lock-timeout attempt, with and without
# --single-transaction (which now retries the whole transaction and writes
# its failed row), `stamp base`, a revision that calls exit(), the OS user
# next to the database role, and an older history table gaining the column.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
vh_t_setup history_gaps

F=$VHOST_FIXTURE_DIR
T=$VH_T_TMP
db=hg_$$
vh_t_createdb "$db"
DSN="dbname=$db"

cat >"$T/lock.ini" <<INI
[vhost]
plugin_dir = $F/sig_long
lock_timeout = 200ms
lock_retries = 2
INI
# rows of schema $1's history table for revision $2: "outcome sqlstate" lines
rows() {
  vh_t_psql "$db" "SELECT outcome || ' ' || coalesce(sqlstate, '-') FROM $1.vhost_history WHERE revision = '$2' ORDER BY id"
}
# holds an ACCESS EXCLUSIVE lock on $1.sig_t for $2 seconds, in the background
hold_lock() {
  psql -X -q -d "$db" -c "BEGIN; LOCK TABLE $1.sig_t; SELECT pg_sleep($2); COMMIT" >/dev/null 2>&1 &
  VH_T_PIDS+=("$!")
  for _ in $(seq 1 100); do
    [ "$(vh_t_psql "$db" "SELECT count(*) FROM pg_locks WHERE relation = to_regclass('$1.sig_t') AND mode = 'AccessExclusiveLock' AND granted")" = 1 ] && return 0
    sleep 0.05
  done
}

for mode in per-revision single; do
  s=hg_$( [ $mode = single ] && echo single || echo perrev )
  args=(); [ $mode = single ] && args=(--single-transaction)
  vh_t_run -- -c "$T/lock.ini" --dsn "$DSN" --schema "$s" -q upgrade 5a1000000001
  hold_lock "$s" 30
  vh_t_run SIG_LONG_S=0 -- -c "$T/lock.ini" --dsn "$DSN" --schema "$s" upgrade head "${args[@]}"
  vh_t_eq "$mode: a table lock held throughout fails the run" 1 "$VH_T_RC"
  vh_t_eq "$mode: retried twice" 2 "$(grep -c 'retrying' "$T/err" || true)"
  vh_t_eq "$mode: a failed row per attempt" "$(printf 'failed 55P03\nfailed 55P03\nfailed 55P03')" \
    "$(rows "$s" 5a1000000002)"
  kill "${VH_T_PIDS[-1]}" 2>/dev/null || true
  vh_t_psql "$db" "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE 'BEGIN; LOCK TABLE%' AND pid <> pg_backend_pid()" >/dev/null
  sleep 0.3
  # a lock released during the waits: a retry goes through
  hold_lock "$s" 1.5
  vh_t_run SIG_LONG_S=0 -- -c "$T/lock.ini" --dsn "$DSN" --schema "$s" upgrade head "${args[@]}"
  vh_t_eq "$mode: a lock released in time: a retry succeeds" 0 "$VH_T_RC"
  vh_t_eq "$mode:   and the database is at head" 5a1000000002 "$(vh_t_versions "$db" "$s")"
done

# ---- stamp base is recorded -----------------------------------------------------
vh_t_run -- -c "$T/lock.ini" --dsn "$DSN" --schema hg_stamp -q stamp head
vh_t_run -- -c "$T/lock.ini" --dsn "$DSN" --schema hg_stamp -q stamp base
vh_t_eq "stamp base succeeds" 0 "$VH_T_RC"
vh_t_eq "stamp base leaves a row" "base stamped the version table emptied (it held 5a1000000002)" \
  "$(vh_t_psql "$db" "SELECT revision || ' ' || outcome || ' ' || message FROM hg_stamp.vhost_history ORDER BY id DESC LIMIT 1")"

# ---- the OS user next to the database role --------------------------------------
vh_t_eq "each row records the OS user" "$(id -un)" \
  "$(vh_t_psql "$db" "SELECT DISTINCT os_user FROM hg_stamp.vhost_history")"
# a history table made before the column existed gets it
vh_t_psql "$db" "ALTER TABLE hg_stamp.vhost_history DROP COLUMN os_user"
vh_t_run -- -c "$T/lock.ini" --dsn "$DSN" --schema hg_stamp -q upgrade head
vh_t_eq "an older history table gains os_user" 0 "$VH_T_RC"
vh_t_eq "  and the new row has it" "$(id -un)" \
  "$(vh_t_psql "$db" "SELECT os_user FROM hg_stamp.vhost_history ORDER BY id DESC LIMIT 1")"

# ---- a revision that calls exit() leaves a failed row -----------------------------
vh_t_run -- --dsn "$DSN" --plugin-dir "$F/rely_crash" --schema hg_exit -q upgrade c7a500000001
vh_t_run RELY_CRASH=exit -- --dsn "$DSN" --plugin-dir "$F/rely_crash" --schema hg_exit -q upgrade head
vh_t_eq "a revision calling exit(0) fails the run" 1 "$VH_T_RC"
vh_t_eq "  and leaves a failed row saying so" "failed the revision called exit() during upgrade()" \
  "$(vh_t_psql "$db" "SELECT outcome || ' ' || error FROM hg_exit.vhost_history WHERE revision = 'c7a500000002'")"
vh_t_eq "  the database stays at the previous revision" c7a500000001 "$(vh_t_versions "$db" hg_exit)"

vh_t_finish
