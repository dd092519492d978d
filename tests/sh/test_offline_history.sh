#!/usr/bin/env bash
# tests/sh/test_offline_history.sh - `upgrade --sql --with-history`: the
# script a DBA applies with psql leaves the same history rows (revision,
# parents, direction, outcome, message, plugin file and SHA-256, tag) as an
# online run, so a later online `upgrade` sees no drift; and a tampered hash
# in such a row is caught, so the check can fail. Likewise for
# `downgrade --sql START:END --with-history`.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
vh_t_setup offline_history

PLUG=$VHOST_FIXTURE_DIR/linear
online=vh_offh_online
script=vh_offh_script
vh_t_createdb "$online"
vh_t_createdb "$script"
V=(--plugin-dir "$PLUG" --schema offh)

rows() {
  vh_t_psql "$1" "SELECT revision, coalesce(down_revision, '-'), direction, outcome, message, plugin_file,
                         plugin_sha256, coalesce(tag, '-'), coalesce(x_args::text, '-')
                    FROM offh.vhost_history ORDER BY id"
}

vh_t_run -- "${V[@]}" --dsn "dbname=$online" -x batch=10 upgrade head --tag r1
vh_t_eq "online upgrade" 0 "$VH_T_RC"
vh_t_run -- "${V[@]}" -x batch=10 upgrade head --sql --with-history --tag r1
vh_t_eq "upgrade --sql --with-history renders" 0 "$VH_T_RC"
cp "$VH_T_TMP/out" "$VH_T_TMP/up.sql"
vh_t_check "psql applies the script" \
  psql -X -q -v ON_ERROR_STOP=1 -d "$script" -f "$VH_T_TMP/up.sql" -o /dev/null
vh_t_check "it wrote history rows" test "$(rows "$script" | wc -l)" -gt 1
vh_t_eq "the script's history rows are the online run's" "$(rows "$online")" "$(rows "$script")"
vh_t_eq "the same version rows" "$(vh_t_versions "$online" offh)" "$(vh_t_versions "$script" offh)"

vh_t_run -- "${V[@]}" --dsn "dbname=$script" upgrade head
vh_t_eq "a later online upgrade sees no drift" 0 "$VH_T_RC"
vh_t_check "... and has nothing to do" grep -qi "already at" "$VH_T_TMP/err"

vh_t_run -- "${V[@]}" upgrade --with-history
vh_t_eq "--with-history without --sql is a usage error" 2 "$VH_T_RC"

# The rows carry real hashes: change one and the check fires.
vh_t_psql "$script" "UPDATE offh.vhost_history SET plugin_sha256 = repeat('0', 64)
                      WHERE id = (SELECT max(id) FROM offh.vhost_history)"
vh_t_run -- "${V[@]}" --dsn "dbname=$script" upgrade head
vh_t_check "a wrong hash in a script-written row is reported as drift" \
  bash -c "[ $VH_T_RC != 0 ] && grep -qi 'drift\|changed' '$VH_T_TMP/err'"
vh_t_psql "$script" "DELETE FROM offh.vhost_history WHERE plugin_sha256 = repeat('0', 64)"

# Down again, both ways.
vh_t_run -- "${V[@]}" --dsn "dbname=$online" downgrade base --tag r0
head=$(vh_t_versions "$script" offh)
vh_t_run -- "${V[@]}" downgrade "$head:base" --sql --with-history --tag r0
vh_t_check "downgrade --sql --with-history applies" \
  psql -X -q -v ON_ERROR_STOP=1 -d "$script" -c "$(cat "$VH_T_TMP/out")" -o /dev/null
vh_t_eq "the downgrade's rows are the online run's too" \
  "$(rows "$online" | grep downgrade)" "$(rows "$script" | grep downgrade)"

vh_t_finish
