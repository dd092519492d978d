#!/usr/bin/env bash
# test_topo_pooler.sh - vhost through Debian's pgbouncer in transaction mode,
# with a pool (4 server connections) smaller than the number of clients.
#
#  1. -v says what is in between: "direct" straight to the server,
#     "through a pooler" via pgbouncer; `pooler` is checked and obeyed.
#  2. 16 `vhost upgrade head` at once on the Vibesia chain, then on the
#     50-revision topo_chain (its 25th non-transactional): every process
#     exits 0, each revision is applied exactly once, in order (history
#     table), and the server never logged "you don't own a lock".
#  3. 16 `upgrade head --dry-run` at once: all exit 0, nothing changes.
#  4. 16 `downgrade base` at once: all exit 0, each revision reverted once.
#  5. 16 `stamp head` at once: all exit 0, the version table names head.
#  6. No lease row, prepared statement or advisory lock is left behind.
# Own cluster and pgbouncer, on VH_TOPO_PORT (default 55141) and the next.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
vh_t_setup topo_pooler
. "$VH_T_ROOT/tests/sh/topo.sh"

N=16
PG=$(vh_topo_dir pg)
BOUNCER=$(vh_topo_dir bouncer)
PG_PORT=$((VH_TOPO_PORT + 1))
vh_topo_primary "$PG" "$PG_PORT" "log_min_messages=warning"
vh_topo_bouncer "$BOUNCER" "$VH_TOPO_PORT" "$PG" "$PG_PORT" 4
export PGHOST=$PG PGPORT=$PG_PORT PGUSER=postgres PGDATABASE=postgres
db=topo_pool
createdb "$db" # the cluster is thrown away whole
VIA=(--dsn "host=$BOUNCER port=$VH_TOPO_PORT user=postgres dbname=$db")
VIB_HEAD=$("$VHOST_BIN" --plugin-dir "$VHOST_PLUGIN_DIR" heads 2>/dev/null | cut -d' ' -f1)

# ---- 1. what is in between ---------------------------------------------------------
vh_t_run -- --dsn "dbname=$db" --plugin-dir "$VHOST_PLUGIN_DIR" --schema direct_v -v upgrade head --dry-run
vh_t_check "direct: -v says the connection is direct" grep -q "^Connection: direct" "$VH_T_TMP/err"
vh_t_run -- "${VIA[@]}" --plugin-dir "$VHOST_PLUGIN_DIR" --schema pooled_v -v upgrade head --dry-run
vh_t_check "via pgbouncer: -v says a pooler, taken for a transaction pooler" \
  grep -q "^Connection: through a pooler .*transaction pooler" "$VH_T_TMP/err"

printf '[vhost]\npooler = sometimes\n' >"$VH_T_TMP/bad.ini"
vh_t_run -- -c "$VH_T_TMP/bad.ini" "${VIA[@]}" --plugin-dir "$VHOST_PLUGIN_DIR" current
vh_t_eq "a bad pooler value is a configuration error naming the file and line" \
  "2 FAILED: $VH_T_TMP/bad.ini:2: bad value 'sometimes' for pooler (expected auto, none or transaction)" \
  "$VH_T_RC $(cat "$VH_T_TMP/err")"
printf '[vhost]\npooler = transaction\n' >"$VH_T_TMP/tx.ini"
vh_t_run -- -c "$VH_T_TMP/tx.ini" --dsn "dbname=$db" --plugin-dir "$VHOST_PLUGIN_DIR" --schema set_v -v upgrade head
vh_t_check "pooler = transaction on a direct connection: said, and it runs" \
  grep -q "^Connection: pooler = transaction (set)" "$VH_T_TMP/err"
vh_t_eq "... to head" "0 $VIB_HEAD" "$VH_T_RC $(vh_t_versions "$db" set_v)"

# race NAME ARGS...: N vhost processes at once through pgbouncer; sets BAD
# to those that did not exit 0 (with their FAILED line).
race() {
  local name=$1 i rc pids=()
  shift
  for i in $(seq 1 "$N"); do
    "$VHOST_BIN" "${VIA[@]}" "$@" >"$VH_T_TMP/$name$i.out" 2>"$VH_T_TMP/$name$i.err" </dev/null &
    pids+=("$!")
    VH_T_PIDS+=("$!")
  done
  BAD=""
  for i in "${!pids[@]}"; do
    rc=0
    wait "${pids[i]}" || rc=$?
    [ "$rc" = 0 ] || BAD+="$name$((i + 1)):$rc($(grep -o 'FAILED: .*' "$VH_T_TMP/$name$((i + 1)).err" | head -c 200)) "
  done
}

# counts SCHEMA DIRECTION OUTCOME: "rev=n ..." for the history rows, and
# whether they come in the order they were planned (ids rising = upgrade
# order for this chain's ids).
counts() {
  vh_t_psql "$db" "SELECT coalesce(string_agg(DISTINCT n::text, ','), 'none') FROM
    (SELECT count(*) AS n FROM $1.vhost_history WHERE direction = '$2' AND outcome = '$3'
      GROUP BY revision) h"
}
ordered() {
  vh_t_psql "$db" "SELECT bool_and(ok) FROM (SELECT revision $2 lag(revision) OVER (ORDER BY id) OR
    lag(revision) OVER (ORDER BY id) IS NULL AS ok FROM $1.vhost_history
    WHERE direction = '$3' AND outcome IN ('applied', 'reverted')) o"
}

# ---- 2. N upgrades at once ---------------------------------------------------------
race vib --plugin-dir "$VHOST_PLUGIN_DIR" upgrade head
vh_t_eq "Vibesia: $N upgrades through pgbouncer all exit 0" "" "$BAD"
nrev=$("$VHOST_BIN" --plugin-dir "$VHOST_PLUGIN_DIR" history 2>/dev/null | grep -c . || true)
vh_t_eq "Vibesia: every revision applied exactly once" \
  "1 $nrev" "$(counts vibesia_schema upgrade applied) $(vh_t_psql "$db" "SELECT count(DISTINCT revision) FROM vibesia_schema.vhost_history")"
vh_t_eq "Vibesia: nothing failed" 0 \
  "$(vh_t_psql "$db" "SELECT count(*) FROM vibesia_schema.vhost_history WHERE outcome <> 'applied'")"
vh_t_eq "Vibesia: at head" "$VIB_HEAD" \
  "$(vh_t_versions "$db" vibesia_schema)"

CH=(--plugin-dir "$VHOST_FIXTURE_DIR/topo_chain" --schema topo)
race chain "${CH[@]}" upgrade head
vh_t_eq "topo_chain: $N upgrades of 50 revisions through pgbouncer all exit 0" "" "$BAD"
vh_t_eq "topo_chain: each of the 50 applied exactly once" "1 50" \
  "$(counts topo upgrade applied) $(vh_t_psql "$db" "SELECT count(DISTINCT revision) FROM topo.vhost_history WHERE outcome = 'applied'")"
vh_t_eq "topo_chain: applied in order" t "$(ordered topo '>' upgrade)"
vh_t_eq "topo_chain: at head, the concurrent index valid" "70b000000050 t" \
  "$(vh_t_versions "$db" topo) $(vh_t_psql "$db" "SELECT indisvalid FROM pg_index WHERE indexrelid = 'topo.topo_ix'::regclass")"
vh_t_eq "topo_chain: no run left an interrupted revision" 0 \
  "$(vh_t_psql "$db" "SELECT count(*) FROM topo.vhost_history WHERE attention")"

# ---- 3. dry runs -----------------------------------------------------------------
"$VHOST_BIN" "${VIA[@]}" "${CH[@]}" -q downgrade 70b000000030
before=$(vh_t_snapshot "$db")
race dry "${CH[@]}" upgrade head --dry-run
vh_t_eq "$N dry runs through pgbouncer all exit 0" "" "$BAD"
vh_t_eq "$N dry runs changed nothing" "$before" "$(vh_t_snapshot "$db")"

# ---- 4. downgrade base -------------------------------------------------------------
race down "${CH[@]}" downgrade base
vh_t_eq "$N downgrades to base through pgbouncer all exit 0" "" "$BAD"
vh_t_eq "downgrade: each revision reverted exactly once, newest first" "1 t" \
  "$(counts topo downgrade reverted) $(ordered topo '<' downgrade)"
vh_t_eq "downgrade: at base, no topo table left" " 0" \
  "$(vh_t_versions "$db" topo) $(vh_t_psql "$db" "SELECT count(*) FROM pg_tables WHERE schemaname = 'topo' AND tablename LIKE 'topo_t%'")"

# ---- 5. stamp ----------------------------------------------------------------------
race stamp "${CH[@]}" stamp head
vh_t_eq "$N stamps through pgbouncer all exit 0" "" "$BAD"
vh_t_eq "stamp: the version table names head once" 70b000000050 "$(vh_t_versions "$db" topo)"

# ---- 6. nothing left behind ----------------------------------------------------------
vh_t_eq "no lease row left" 0 \
  "$(vh_t_psql "$db" "SELECT (SELECT count(*) FROM topo.vhost_lock) + (SELECT count(*) FROM vibesia_schema.vhost_lock)")"
vh_t_eq "no advisory lock left" 0 "$(vh_t_advisory_locks "$db")"
vh_t_eq "the server never logged a lock it did not own" 0 \
  "$(grep -c "don't own a lock" "$PG/server.log" || true)"
vh_t_eq "no vhost stderr carries a warning" "" \
  "$(cat "$VH_T_TMP"/*.err | grep -E "WARNING|don't own" | head -3 || true)"

vh_t_finish
