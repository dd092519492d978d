#!/usr/bin/env bash
# test_fleet_reuse.sh - a fleet's workers reuse one connection for the
# tenants of one database (issue 15, performance), and the probe refuses
# to call a tenant "nothing to do" where the runner would refuse it.
#
#  1. 12 tenants, -j 2, the tests/plugins/fleet_reuse chain, whose first
#     revision fails where an earlier tenant's session state is visible
#     (a temporary table, a setting, a prepared statement) and then leaves
#     all of that behind: every tenant succeeds, its rows name its own
#     schema, and the 12 ran on at most 2 server processes (reused).
#  2. A tenant that fails mid-revision (a table already there, 42P07) under
#     --keep-going: the tenants after it on the same worker still succeed,
#     the failed one is untouched, and the rerun runs only it.
#  3. The probe: a tenant whose applied plugin changed (drift) or whose
#     history marks an interrupted revision is not "nothing to do": a
#     worker runs it and the runner's refusal is its row; --ignore-drift
#     lets the drifted one through.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
vh_t_setup fleet_reuse

db=fleet_reuse_$$
vh_t_createdb "$db"
N=12
HEAD=f1eb00000002
cat >"$VH_T_TMP/vhost.ini" <<EOF2
[vhost]
plugin_dir = $VHOST_FIXTURE_DIR/fleet_reuse

[database]
dbname = $db

[fleet.tenants]
schemas_query = SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\_%' ORDER BY 1
jobs = 2
EOF2
C=(-c "$VH_T_TMP/vhost.ini")
for i in $(seq -w 1 $N); do printf 'CREATE SCHEMA tenant_%s;\n' "$i"; done |
  psql -X -q -v ON_ERROR_STOP=1 -d "$db" >/dev/null
# tenant_05 already has an items table: its first revision fails.
vh_t_psql "$db" "CREATE TABLE tenant_05.items (id int)"

rows() { grep -c -- "  $1\$" "$VH_T_TMP/out" || true; }

# ---- 1 and 2. reuse, with a failure in the middle ----------------------------------------
vh_t_run -- "${C[@]}" -q upgrade --fleet tenants --keep-going
vh_t_eq "one failed (42P07), every other tenant ok" "1 1 $((N - 1))" \
  "$VH_T_RC $(rows 'failed (SQLSTATE 42P07)') $(rows ok)"
vh_t_check "the failure is tenant_05's" \
  grep -q "^$db/tenant_05 .*failed (SQLSTATE 42P07)\$" "$VH_T_TMP/out"
vh_t_check "no tenant saw another's session state" \
  bash -c "! grep -q 'leaked\|fleet_reuse_leak' '$VH_T_TMP/out' '$VH_T_TMP/err'"
mine=0
for i in $(seq -w 1 $N); do
  [ "$i" = 05 ] || [ "$(vh_t_psql "$db" "SELECT owner FROM tenant_$i.items")" != "tenant_$i" ] ||
    mine=$((mine + 1))
done
vh_t_eq "each tenant's row names its own schema" "$((N - 1))" "$mine"
pids=$(for i in $(seq -w 1 $N); do [ "$i" = 05 ] || vh_t_psql "$db" "SELECT pid FROM tenant_$i.who"; done | sort -u | wc -l)
vh_t_check "the 11 tenants ran on at most 2 server processes (-j 2), not one each ($pids)" \
  [ "$pids" -le 2 ]
vh_t_eq "the failed tenant is untouched" "" "$(vh_t_versions "$db" tenant_05)"

vh_t_psql "$db" "DROP TABLE tenant_05.items"
vh_t_run -- "${C[@]}" -q upgrade --fleet tenants
vh_t_eq "the rerun runs only tenant_05" "0 1 $((N - 1))" \
  "$VH_T_RC $(rows ok) $(rows 'nothing to do')"

# ---- 3. what the probe must not settle ---------------------------------------------------
vh_t_psql "$db" "UPDATE tenant_03.vhost_history SET plugin_sha256 = repeat('0', 64)
  WHERE revision = '$HEAD'"
vh_t_psql "$db" "UPDATE tenant_08.vhost_history SET attention = true WHERE revision = '$HEAD'"
vh_t_run -- "${C[@]}" upgrade --fleet tenants
vh_t_eq "drift and an interrupted revision fail their tenants; the rest: nothing to do" \
  "1 2 $((N - 2))" "$VH_T_RC $(rows failed) $(rows 'nothing to do')"
vh_t_check "tenant_03's row says its plugin changed" \
  grep -q "^$db/tenant_03: revision $HEAD was applied .* the applied revision changed" "$VH_T_TMP/out"
vh_t_check "tenant_08's row says its revision was interrupted" \
  grep -q "^$db/tenant_08: non-transactional revision $HEAD (upgrade) was interrupted" "$VH_T_TMP/out"
vh_t_run -- "${C[@]}" -q upgrade --fleet tenants --ignore-drift
vh_t_eq "--ignore-drift: only tenant_08 still fails" "1 1" "$VH_T_RC $(rows failed)"
vh_t_check "and it is tenant_08" grep -q "^$db/tenant_08 .*failed\$" "$VH_T_TMP/out"

vh_t_finish
