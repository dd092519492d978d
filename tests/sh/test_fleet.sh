#!/usr/bin/env bash
# test_fleet.sh - a schema-per-tenant fleet (issue 15): one database, 200
# tenant schemas named by schemas_query, the tests/plugins/fleet chain
# (items -> note -> a CHECK on qty -> an index).
#
#  1. All 200 to the middle of the chain, then a row that violates the
#     coming CHECK in tenant_042: the default policy stops starting targets
#     and the table names tenant_042 with SQLSTATE 23514; `current --fleet`
#     names the laggards; --keep-going takes every other tenant to head.
#  2. Resumable: with the row fixed, the rerun runs only tenant_042; a
#     third run has nothing to do and settles all 200 with one query (no
#     child: every row took 0 ms).
#  3. --shard K/3: the three shares cover each tenant exactly once.
#  4. --canary 2 on a small fleet whose first tenant fails: nothing else
#     starts, even with --keep-going; once fixed, all go.
#  5. SIGKILL of the fleet mid-run (revisions slowed with a setting):
#     every tenant is at a consistent revision, and the rerun finishes.
#  6. Bad input: an unknown fleet, an unknown key, history without
#     --applied, a bad --shard, --sql: exit 2 with the key or value named.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
vh_t_setup fleet

db=fleet_$$
vh_t_createdb "$db"
N=200
MID=f1ee00000002
HEAD=f1ee00000004
cat >"$VH_T_TMP/vhost.ini" <<EOF
[vhost]
plugin_dir = $VHOST_FIXTURE_DIR/fleet

[database]
dbname = $db

[fleet.tenants]
schemas_query = SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\_%' ORDER BY 1

[fleet.small]
schemas_query = SELECT nspname FROM pg_namespace WHERE nspname LIKE 'small\_%' ORDER BY 1
jobs = 2

[fleet.kill]
schemas_query = SELECT nspname FROM pg_namespace WHERE nspname LIKE 'kill\_%' ORDER BY 1
EOF
C=(-c "$VH_T_TMP/vhost.ini")
{
  for i in $(seq 1 $N); do printf 'CREATE SCHEMA tenant_%03d;\n' "$i"; done
  for i in $(seq 1 10); do printf 'CREATE SCHEMA small_%02d; CREATE SCHEMA kill_%02d;\n' "$i" "$i"; done
} | psql -X -q -v ON_ERROR_STOP=1 -d "$db" >/dev/null

# rows OUTCOME: how many table rows end with OUTCOME.
rows() { grep -c -- "  $1\$" "$VH_T_TMP/out" || true; }

# ---- 1. failure policy ----------------------------------------------------------
vh_t_run -- "${C[@]}" -q upgrade --fleet tenants -j 4 "$MID"
vh_t_eq "all $N tenants to the middle" "0 $N" "$VH_T_RC $(rows ok)"
vh_t_psql "$db" "INSERT INTO tenant_042.items VALUES (1, -5)"

vh_t_run -- "${C[@]}" -q upgrade --fleet tenants
skipped=$(rows skipped)
vh_t_check "a failing tenant fails the fleet (exit 1)" [ "$VH_T_RC" = 1 ]
vh_t_check "its row names it with SQLSTATE 23514" \
  grep -q "^$db/tenant_042 .* $MID  *$MID .*failed (SQLSTATE 23514)\$" "$VH_T_TMP/out"
vh_t_check "its error names the constraint" \
  grep -q "^$db/tenant_042: upgrade f1ee00000003 .*items_qty_nonneg.*(SQLSTATE 23514)" "$VH_T_TMP/out"
vh_t_check "by default no target starts after the failure ($skipped skipped)" \
  [ "$skipped" -gt $((N - 60)) ]
vh_t_eq "the skipped are untouched" "$MID" "$(vh_t_versions "$db" tenant_200)"

vh_t_run -- "${C[@]}" -q current --fleet tenants
vh_t_check "current --fleet exits 0" [ "$VH_T_RC" = 0 ]
vh_t_check "current --fleet names tenant_042 behind head" \
  grep -q "^$MID: $((skipped + 1)) targets behind head:.* $db/tenant_042,.* $db/tenant_200\$" "$VH_T_TMP/out"
vh_t_run -- "${C[@]}" -q current --fleet tenants --check-heads
vh_t_eq "current --fleet --check-heads exits 1 with laggards" 1 "$VH_T_RC"

vh_t_run -- "${C[@]}" -q upgrade --fleet tenants --keep-going
vh_t_eq "--keep-going: one failed, the rest ok or done" "1 1 $((N - 1))" \
  "$VH_T_RC $(rows 'failed (SQLSTATE 23514)') $(( $(rows ok) + $(rows 'nothing to do') ))"
vh_t_run -- "${C[@]}" -q current --fleet tenants
vh_t_eq "only tenant_042 lags" "$HEAD (head): $((N - 1)) targets
$MID: 1 target behind head: $db/tenant_042" "$(cat "$VH_T_TMP/out")"

# ---- 2. resumable, and the fast path -----------------------------------------------
vh_t_psql "$db" "DELETE FROM tenant_042.items"
vh_t_run -- "${C[@]}" -q upgrade --fleet tenants
vh_t_eq "the rerun runs only what is left" "0 1 $((N - 1))" \
  "$VH_T_RC $(rows ok) $(rows 'nothing to do')"
vh_t_check "tenant_042 ran its two revisions" grep -q "^$db/tenant_042 .* $MID  *$HEAD  *2 .* ok\$" "$VH_T_TMP/out"
t0=$(vh_t_now_ms)
vh_t_run -- "${C[@]}" -q upgrade --fleet tenants --json
t1=$(vh_t_now_ms)
vh_t_eq "nothing to do: all $N settled by the probe" "0 $N $N" \
  "$VH_T_RC $(grep -o '"outcome": "nothing to do"' "$VH_T_TMP/out" | wc -l) $(grep -o '"ms": 0.0,' "$VH_T_TMP/out" | wc -l)"
echo "# nothing to do over $N tenants: $((t1 - t0)) ms"
vh_t_check "the JSON summary counts them" grep -q "\"nothing_to_do\": $N, \"failed\": 0" "$VH_T_TMP/out"

# ---- 3. shards ------------------------------------------------------------------------
: >"$VH_T_TMP/shards"
for k in 1 2 3; do
  vh_t_run -- "${C[@]}" -q current --fleet tenants --shard "$k/3" --json
  grep -o '"target": "[^"]*"' "$VH_T_TMP/out" >>"$VH_T_TMP/shards" || true
  echo "# shard $k/3: $(grep -c '"target"' "$VH_T_TMP/out") targets"
done
vh_t_eq "--shard K/3 covers every tenant exactly once" "$N $N" \
  "$(wc -l <"$VH_T_TMP/shards") $(sort -u "$VH_T_TMP/shards" | wc -l)"

# ---- 4. canary -----------------------------------------------------------------------
vh_t_run -- "${C[@]}" -q upgrade --fleet small "$MID"
vh_t_psql "$db" "INSERT INTO small_01.items VALUES (1, -1)"
vh_t_run -- "${C[@]}" -q upgrade --fleet small --canary 2 --keep-going
vh_t_eq "a failed canary stops the fleet, even with --keep-going" "1 1 1 8" \
  "$VH_T_RC $(rows 'failed (SQLSTATE 23514)') $(rows ok) $(rows skipped)"
vh_t_psql "$db" "DELETE FROM small_01.items"
vh_t_run -- "${C[@]}" upgrade --fleet small --canary 2
# small_02 was a canary of the failed run, and made it: the canaries are
# now small_01 and small_03.
vh_t_eq "good canaries let the rest go" "0 9 1" "$VH_T_RC $(rows ok) $(rows 'nothing to do')"
vh_t_check "and say so" grep -q "2 canaries succeeded; running the other 7 targets" "$VH_T_TMP/err"

# ---- 5. SIGKILL mid-run, then rerun ------------------------------------------------------
PGOPTIONS="-c vhost_test.fleet_sleep=0.3" "$VHOST_BIN" "${C[@]}" -q upgrade --fleet kill \
  >"$VH_T_TMP/kill.out" 2>&1 </dev/null &
pid=$!
VH_T_PIDS+=("$pid")
sleep 1
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
vh_t_check "the killed fleet's sessions end" vh_t_wait_idle "$db" 15
bad=0
for i in $(seq -w 1 10); do
  # The revision each tenant claims matches what its catalog holds.
  v=$(vh_t_versions "$db" "kill_$i")
  have=$(vh_t_psql "$db" "SELECT CASE WHEN to_regclass('kill_$i.items') IS NULL THEN '' WHEN NOT EXISTS (SELECT FROM information_schema.columns WHERE table_schema = 'kill_$i' AND column_name = 'note') THEN 'f1ee00000001' WHEN to_regclass('kill_$i.items_qty') IS NULL THEN 'f1ee00000002-3' ELSE '$HEAD' END")
  case "$v:$have" in
    :|f1ee00000001:f1ee00000001|f1ee00000002:f1ee00000002-3|f1ee00000003:f1ee00000002-3|$HEAD:$HEAD) ;;
    *) bad=$((bad + 1)); echo "# kill_$i at '$v' holds '$have'" ;;
  esac
done
vh_t_eq "after SIGKILL every tenant is at a consistent revision" 0 "$bad"
vh_t_run -- "${C[@]}" -q current --fleet kill
vh_t_check "and some were left behind" grep -q "behind head" "$VH_T_TMP/out"
vh_t_run -- "${C[@]}" -q upgrade --fleet kill
vh_t_run -- "${C[@]}" -q current --fleet kill --check-heads
vh_t_eq "the rerun finishes the fleet" "0 $HEAD (head): 10 targets" "$VH_T_RC $(cat "$VH_T_TMP/out")"

# ---- 6. bad input ------------------------------------------------------------------------
vh_t_run -- "${C[@]}" upgrade --fleet nosuch
vh_t_check "an unknown fleet is a usage error listing the fleets" \
  grep -q "no fleet 'nosuch' (defined: tenants, small, kill)" "$VH_T_TMP/err"
vh_t_eq "exit 2" 2 "$VH_T_RC"
printf '[fleet.typo]\nschemas_qeury = SELECT 1\n' >>"$VH_T_TMP/vhost.ini"
vh_t_run -- "${C[@]}" current --fleet typo
vh_t_check "an unknown key names its line" \
  grep -q "vhost.ini:$(wc -l <"$VH_T_TMP/vhost.ini"): unknown key 'schemas_qeury' in section \[fleet.typo\]" "$VH_T_TMP/err"
vh_t_run -- "${C[@]}" history --fleet tenants
vh_t_check "history over a fleet needs --applied" grep -q "only --applied" "$VH_T_TMP/err"
vh_t_run -- "${C[@]}" upgrade --fleet tenants --shard 4/3
vh_t_check "a bad --shard is refused" grep -q "bad value '4/3'" "$VH_T_TMP/err"
vh_t_run -- "${C[@]}" upgrade --fleet tenants --sql
vh_t_check "--sql does not go with --fleet" grep -q "does not go with --fleet" "$VH_T_TMP/err"
vh_t_run -- "${C[@]}" upgrade --fleet tenants --bogus
vh_t_eq "a bad command option is a usage error, even with nothing to do" 2 "$VH_T_RC"

vh_t_finish
