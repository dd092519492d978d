#!/usr/bin/env bash
# test_topo_replicas.sh - a streaming standby made with pg_basebackup -R.
#
#  1. A standby as the target is refused before anything runs (upgrade,
#     downgrade, stamp): exit 1, a message saying it is a read-only
#     standby, nothing changed on the primary.
#  2. The standby applies commits 3 s late (recovery_min_apply_delay):
#     without waiting, it lacks the new tables when `vhost upgrade` exits;
#     with --wait-for-replicas, its catalog has every table and column of
#     head the moment vhost exits.
#  3. With the standby's replay paused (pg_wal_replay_pause), vhost waits,
#     then exits 1 past wait_for_replicas, naming the standby; the
#     revisions themselves stay committed.
# Own primary and standby, on VH_TOPO_PORT (default 55141) and the next.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
vh_t_setup topo_replicas
. "$VH_T_ROOT/tests/sh/topo.sh"

P=$(vh_topo_dir primary)
S=$(vh_topo_dir standby)
PP=$VH_TOPO_PORT
SP=$((VH_TOPO_PORT + 1))
vh_topo_primary "$P" "$PP"
export PGHOST=$P PGPORT=$PP PGUSER=postgres PGDATABASE=postgres
db=topo_rep
createdb "$db" # the cluster is thrown away whole
vh_topo_standby "$P" "$PP" "$S" "$SP" topo_standby recovery_min_apply_delay=3s
VS=(--plugin-dir "$VHOST_PLUGIN_DIR")
ON_P=(--dsn "host=$P port=$PP user=postgres dbname=$db")
ON_S=(--dsn "host=$S port=$SP user=postgres dbname=$db")

# ---- 1. a standby target is refused ------------------------------------------------
for cmd in "upgrade head" "downgrade base" "stamp head"; do
  vh_t_run -- "${ON_S[@]}" "${VS[@]}" $cmd
  vh_t_eq "$cmd on the standby: exit 1" 1 "$VH_T_RC"
  vh_t_check "$cmd on the standby: says it is a read-only standby and nothing ran" \
    grep -q "FAILED: .* is a read-only standby (pg_is_in_recovery() is true), so vhost cannot change it; nothing was run" "$VH_T_TMP/err"
done
vh_t_eq "the refused runs created nothing" "" "$(vh_t_psql "$db" "SELECT to_regnamespace('vibesia_schema')")"

# ---- 2. the standby has head's schema when vhost exits ------------------------------------
vh_t_run -- "${ON_P[@]}" "${VS[@]}" upgrade 1f0e2d3c4b5a
vh_t_eq "without waiting: the standby lacks the tables vhost just committed" "0 0" \
  "$VH_T_RC $(vh_topo_psql "$S" "$SP" "$db" "SELECT count(*) FROM pg_tables WHERE schemaname = 'vibesia_schema' AND tablename NOT IN ('alembic_version', 'vhost_history')")"
vh_t_run -- "${ON_P[@]}" "${VS[@]}" upgrade head --wait-for-replicas 60s
vh_t_eq "upgrade --wait-for-replicas: exit 0" 0 "$VH_T_RC"
# Read at once, before anything else could let the standby catch up.
on_standby=$(PGHOST=$S PGPORT=$SP vh_t_schema_snapshot "$db" vibesia_schema)
vh_t_eq "with waiting: the standby's catalog matches the primary's the moment vhost exits" \
  "$(vh_t_schema_snapshot "$db" vibesia_schema)" "$on_standby"
vh_t_check "it printed the lag while waiting, then that the standby replayed it" \
  grep -q "^Waiting for 1 standby to replay .*topo_standby (streaming" "$VH_T_TMP/err"
vh_t_check "... and that the standby replayed it" grep -q "^All 1 standby replayed" "$VH_T_TMP/err"

# ---- 3. a paused standby times out ----------------------------------------------------------------
vh_topo_psql "$S" "$SP" postgres "SELECT pg_wal_replay_pause()" >/dev/null
t0=$(vh_t_now_ms)
vh_t_run -- "${ON_P[@]}" "${VS[@]}" downgrade -1 --wait-for-replicas 1500ms
t1=$(vh_t_now_ms)
vh_t_eq "paused standby: exit 1" 1 "$VH_T_RC"
vh_t_check "paused standby: the message names it" \
  grep -q "FAILED: timed out after 1.5 s (wait_for_replicas) waiting for 1 standby to replay .*: topo_standby (streaming, [0-9]* bytes behind)" "$VH_T_TMP/err"
vh_t_check "paused standby: the lag was printed while waiting" \
  grep -q "^Waiting for 1 standby to replay .*topo_standby" "$VH_T_TMP/err"
vh_t_check "paused standby: gave up after about the timeout ($((t1 - t0)) ms)" test $((t1 - t0)) -lt 10000
vh_t_eq "paused standby: the downgrade itself stays committed on the primary" 1 \
  "$(vh_t_psql "$db" "SELECT count(*) FROM vibesia_schema.vhost_history WHERE direction = 'downgrade' AND outcome = 'reverted'")"
vh_topo_psql "$S" "$SP" postgres "SELECT pg_wal_replay_resume()" >/dev/null
vh_t_run -- "${ON_P[@]}" "${VS[@]}" upgrade head --wait-for-replicas 60s
vh_t_eq "replay resumed: the next run waits and exits 0" 0 "$VH_T_RC"

# Settings and flags are checked.
vh_t_run -- "${ON_P[@]}" "${VS[@]}" upgrade head --wait-for-replicas soon
vh_t_eq "a bad --wait-for-replicas is a usage error" \
  "2 FAILED: --wait-for-replicas: bad value 'soon' for wait_for_replicas (expected a duration such as 5s, 250ms, 2min)" \
  "$VH_T_RC $(cat "$VH_T_TMP/err")"

vh_t_finish
