#!/usr/bin/env bash
# test_fleet_dbs.sh - a database-per-target fleet (issue 15): 20 databases
# listed in a targets_file (conninfo strings and URIs, a schema= on some
# lines, comments and blank lines), with the tests/plugins/fleet chain.
#
#  1. --shard K/3 on upgrade: three runs cover the 20 targets exactly once
#     and leave every database at head; no password reaches the output.
#  2. A target that cannot be reached is one failed row among 20 good
#     ones (current and upgrade), not a crash; the others still report.
#  3. history --applied over the fleet prefixes each line with its target;
#     --json embeds each target's own JSON; stamp and downgrade go through;
#     a protected environment asks once (and refuses without a terminal).
#  4. A bad targets_file line is refused naming the file and line.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
vh_t_setup fleet_dbs

HEAD=f1ee00000004
N=20
T=$VH_T_TMP/targets.txt
{
  echo "# the fleet of test_fleet_dbs.sh"
  for i in $(seq -w 1 $N); do
    db=fleetdb_${i}_$$
    vh_t_createdb "$db"
    case $i in
      0[1-5]) echo "dbname=$db" ;;
      0[6-9]) echo "postgresql:///$db?password=sekret  schema=app" ;;
      *) echo "dbname=$db password=sekret schema=tenant   # a comment"; echo ;;
    esac
  done
} >"$T"
cp "$T" "$VH_T_TMP/with_bad.txt"
# A socket directory that does not exist: refused at once, on no port.
echo "host=/nonexistent-vhost-dir dbname=gone" >>"$VH_T_TMP/with_bad.txt"
cat >"$VH_T_TMP/vhost.ini" <<EOF
[vhost]
plugin_dir = $VHOST_FIXTURE_DIR/fleet
schema = main

[fleet.dbs]
targets_file = targets.txt
jobs = 3

[fleet.with_bad]
targets_file = with_bad.txt

[env.prot]
confirm = true
EOF
C=(-c "$VH_T_TMP/vhost.ini")

# ---- 1. shards ------------------------------------------------------------------------
: >"$VH_T_TMP/shards"
for k in 1 2 3; do
  vh_t_run -- "${C[@]}" -q upgrade --fleet dbs --shard "$k/3" --json
  vh_t_check "shard $k/3 succeeds" [ "$VH_T_RC" = 0 ]
  grep -o '"target": "[^"]*"' "$VH_T_TMP/out" >>"$VH_T_TMP/shards" || true
  if grep -q sekret "$VH_T_TMP/out" "$VH_T_TMP/err"; then vh_t_fail "shard $k/3 shows no password"; fi
done
vh_t_eq "--shard K/3 covers each database exactly once" "$N $N" \
  "$(wc -l <"$VH_T_TMP/shards") $(sort -u "$VH_T_TMP/shards" | wc -l)"
vh_t_check "targets are named host/db/schema" grep -q "\"target\": \"fleetdb_07_$$/app\"" "$VH_T_TMP/shards"
vh_t_eq "the schema= of a line is used" "$HEAD" "$(vh_t_versions "fleetdb_12_$$" tenant)"
vh_t_eq "the default schema otherwise" "$HEAD" "$(vh_t_versions "fleetdb_03_$$" main)"

# ---- 2. an unreachable target ----------------------------------------------------------
vh_t_run -- "${C[@]}" -q current --fleet with_bad
vh_t_eq "current: $N at head, then the unreachable one" "1 $HEAD (head): $N targets" \
  "$VH_T_RC $(head -n 1 "$VH_T_TMP/out")"
vh_t_check "the unreachable target is reported by name" \
  grep -q "^unreadable: gone/main: cannot connect" "$VH_T_TMP/out"
vh_t_run -- "${C[@]}" upgrade --fleet with_bad
vh_t_eq "upgrade: one failed row, $N nothing to do" "1 1 $N" \
  "$VH_T_RC $(grep -c '  failed$' "$VH_T_TMP/out") $(grep -c '  nothing to do$' "$VH_T_TMP/out")"
vh_t_check "the summary counts it" grep -q "$((N + 1)) targets: 0 ok, $N nothing to do, 1 failed" "$VH_T_TMP/err"

# ---- 3. other commands ------------------------------------------------------------------
vh_t_run -- "${C[@]}" -q history --applied --fleet dbs --shard 1/3
vh_t_check "history --applied: lines prefixed with the target" \
  grep -qE "^fleetdb_[0-9]+_$$/[a-z]+: .*upgrade +$HEAD +applied" "$VH_T_TMP/out"
vh_t_run -- "${C[@]}" -q history --applied --json --fleet dbs --shard 2/3
vh_t_check "history --applied --json embeds each target's JSON" \
  grep -q '"output": \[{"id":[0-9]*,"revision":' "$VH_T_TMP/out"
vh_t_run -- "${C[@]}" -q downgrade --fleet dbs -j 6 f1ee00000003
vh_t_eq "downgrade -1 over the fleet: one revision each" "0 $N" \
  "$VH_T_RC $(grep -c " $HEAD  *f1ee00000003  *1 .* ok\$" "$VH_T_TMP/out")"
vh_t_run -- "${C[@]}" -q stamp --fleet dbs "$HEAD"
vh_t_run -- "${C[@]}" -q current --fleet dbs --check-heads
vh_t_eq "stamp over the fleet" "0 $HEAD (head): $N targets" "$VH_T_RC $(cat "$VH_T_TMP/out")"
vh_t_run -- "${C[@]}" -q check --fleet dbs --shard 3/3
vh_t_check "check over the fleet" [ "$VH_T_RC" = 0 ]

vh_t_run -- "${C[@]}" -e prot upgrade --fleet dbs
vh_t_check "a protected environment is confirmed once, in the parent" \
  grep -q "requires confirmation to upgrade every target of fleet 'dbs'.*--yes" "$VH_T_TMP/err"
vh_t_run -- "${C[@]}" -e prot -q upgrade --fleet dbs --yes
vh_t_eq "--yes confirms it for every target" "0 $N" "$VH_T_RC $(grep -c '  nothing to do$' "$VH_T_TMP/out")"

# ---- 4. a bad targets_file ------------------------------------------------------------
printf "dbname=x\nhost='unterminated\n" >"$T"
vh_t_run -- "${C[@]}" current --fleet dbs
vh_t_check "a bad line is named by file and line" grep -q "targets.txt:2: " "$VH_T_TMP/err"
vh_t_eq "exit 2" 2 "$VH_T_RC"
printf 'dbname=x\ndbname=x\n' >"$T"
vh_t_run -- "${C[@]}" current --fleet dbs
vh_t_check "a target listed twice is refused" grep -q "targets.txt:2: target x/main is listed twice" "$VH_T_TMP/err"

vh_t_finish
