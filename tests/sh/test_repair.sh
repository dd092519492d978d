#!/usr/bin/env bash
# test_repair.sh - `vhost repair` (issue 20, item 14), as Flyway's: after a
# person has checked, it records the current SHA-256 of applied revisions
# (all, or those named) so a harmless rebuild stops tripping the drift
# check, and clears stale in_progress markers; every change it makes is a
# row in the history table.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
vh_t_setup repair

F=$VHOST_FIXTURE_DIR
T=$VH_T_TMP
db=rp_$$
vh_t_createdb "$db"
V=(--dsn "dbname=$db" --plugin-dir "$T/p" --schema rp)
mkdir -p "$T/p" && cp "$F"/run_drift/*.so "$T/p/"
vh_t_run -- "${V[@]}" -q upgrade d1a000000001
# the applied plugin is rebuilt with other code
cp "$F/run_drift_alt/d1a000000001_base.so" "$T/p/d1a000000001_base.so"
vh_t_run -- "${V[@]}" upgrade head
vh_t_eq "setup: upgrade refuses the changed plugin" 1 "$VH_T_RC"
nrows=$(vh_t_psql "$db" "SELECT count(*) FROM rp.vhost_history")

vh_t_run -- "${V[@]}" repair d1a000000002
vh_t_eq "repair of a revision that is not applied fails" 1 "$VH_T_RC"
vh_t_check "  saying so" grep -q "FAILED: .*d1a000000002 is not applied" "$T/err"
vh_t_run -- "${V[@]}" repair nosuch
vh_t_eq "repair of an unknown revision fails" 1 "$VH_T_RC"
vh_t_eq "  and neither changed anything" "$nrows" "$(vh_t_psql "$db" "SELECT count(*) FROM rp.vhost_history")"

vh_t_run -- "${V[@]}" repair d1a000000001
vh_t_eq "repair REV records the current SHA-256" 0 "$VH_T_RC"
vh_t_check "  and says what it did" grep -q "d1a000000001.*SHA-256" "$T/out"
vh_t_eq "  as a history row with the new hash" \
  "repair repaired $(sha256sum "$T/p/d1a000000001_base.so" | cut -c1-64) $(id -un)" \
  "$(vh_t_psql "$db" "SELECT direction || ' ' || outcome || ' ' || plugin_sha256 || ' ' || os_user FROM rp.vhost_history ORDER BY id DESC LIMIT 1")"
vh_t_run -- "${V[@]}" current -v
vh_t_check "then current -v no longer reports drift" bash -c "! grep -q 'drift:' '$T/out'"
vh_t_run -- "${V[@]}" -q upgrade head
vh_t_eq "and upgrade runs without --ignore-drift" 0 "$VH_T_RC"
vh_t_run -- "${V[@]}" repair
vh_t_eq "repair with nothing to repair succeeds" 0 "$VH_T_RC"
vh_t_check "  saying so" grep -q "Nothing to repair" "$T/out"

# repair (all): every applied revision whose plugin changed
cp "$F/run_drift/d1a000000001_base.so" "$T/p/d1a000000001_base.so"
vh_t_run -- "${V[@]}" repair
vh_t_eq "repair without names takes every drifted revision" 0 "$VH_T_RC"
vh_t_run -- "${V[@]}" check
vh_t_eq "  and check passes" 0 "$VH_T_RC"

# a stale in_progress marker (a non-transactional revision cut short)
vh_t_psql "$db" "INSERT INTO rp.vhost_history (revision, direction, outcome, attention)
                 VALUES ('d1a000000002', 'upgrade', 'in_progress', true)"
vh_t_run -- "${V[@]}" upgrade head
vh_t_check "setup: a marker stops the next run" grep -q "was interrupted" "$T/err"
vh_t_run -- "${V[@]}" repair
vh_t_eq "repair clears the marker" 0 "$VH_T_RC"
vh_t_eq "  no marker is left" 0 "$(vh_t_psql "$db" "SELECT count(*) FROM rp.vhost_history WHERE attention")"
vh_t_check "  and a row says so" test "$(vh_t_psql "$db" "SELECT count(*) FROM rp.vhost_history WHERE direction = 'repair' AND message LIKE '%in_progress%'")" = 1
vh_t_run -- "${V[@]}" upgrade head
vh_t_eq "  the next run goes ahead" 0 "$VH_T_RC"
vh_t_eq "no migration lock is left" 0 "$(vh_t_advisory_locks "$db")"

vh_t_finish
