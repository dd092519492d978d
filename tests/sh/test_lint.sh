#!/usr/bin/env bash
# test_lint.sh - `vhost lint` (docs/lint.md) against a real server:
#  - every rule has a fixture set tests/plugins/lint_<rule>: revision "bad"
#    triggers the rule, revision "good" (the fix) does not;
#  - size weighting: with a table of 150,000 rows (`big`) and an empty one
#    (`empty`), the same finding is an error on the first and a note on the
#    second, and a warning offline; the exit status follows;
#  - --json and --format sarif have the shape their readers expect;
#  - VHOST_LINT_IGNORE silences a finding with its reason;
#  - dollar-quoted bodies, comments and BEGIN ATOMIC are parsed right;
#  - a revision that crashes the renderer is pinned on it, the rest linted;
#  - the `lint` setting gates `upgrade` (off, warn, error) and `vhost test`;
#  - the lock trace (lint --trace, test --trace-locks) measures locks;
#  - the Vibesia chain lints clean: every finding fixed or silenced.
set -euo pipefail
umask 022
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
# shellcheck source=tests/sh/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
vh_t_setup lint

F=$VHOST_FIXTURE_DIR
# Debian's python3 when there is one: a python3 earlier on PATH may be a
# shim that takes seconds to start, and this script runs it 30 times.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
db=vhost_lint_t
S=lint_s
vh_t_createdb "$db"
vh_t_psql "$db" "CREATE SCHEMA $S; SET search_path TO $S;
  CREATE TABLE big (id integer PRIMARY KEY, a integer, b integer);
  INSERT INTO big SELECT g, g, g FROM generate_series(1, 150000) g;
  CREATE INDEX big_i ON big (a);
  CREATE UNIQUE INDEX big_a_uidx ON big (a);
  CREATE TABLE empty (id integer PRIMARY KEY, a integer, b integer);
  CREATE TABLE other (id integer PRIMARY KEY);
  CREATE TYPE mood AS ENUM ('ok');
  ANALYZE big; ANALYZE empty" >/dev/null

ini() { # ini FILE [extra [vhost] lines]
  local f=$1
  shift
  { echo "[vhost]"; echo "schema = $S"; printf '%s\n' "$@"; } >"$f"
}
ini "$VH_T_TMP/vhost.ini"
ini "$VH_T_TMP/notimeout.ini" "lock_timeout = 0"
C=(-c "$VH_T_TMP/vhost.ini" --dsn "dbname=$db")

# findings FILE: "revision:rule:level:statement" per finding, "!" before an
# ignored one, from lint --json output.
findings() {
  "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
for f in d["findings"]:
    print("%s%s:%s:%s:%d" % ("!" if f["ignored"] else "", f["revision"], f["rule"], f["level"], f["statement_index"]))
' "$1"
}

# ---- 1. one fixture set per rule: the bad revision triggers it, the good one not ----
for dir in "$F"/lint_*; do
  set_=$(basename "$dir")
  case $set_ in lint_size | lint_ignore | lint_parse | lint_gate | lint_trace) continue ;; esac
  rule=${set_#lint_}
  rule=${rule//_/-}
  cfg=$VH_T_TMP/vhost.ini
  [ "$rule" = missing-lock-timeout ] && cfg=$VH_T_TMP/notimeout.ini
  vh_t_run -- -c "$cfg" --plugin-dir "$dir" lint --all --offline --json
  findings "$VH_T_TMP/out" >"$VH_T_TMP/f"
  vh_t_check "$rule: the bad revision triggers it" grep -q "^bad:$rule:" "$VH_T_TMP/f"
  vh_t_eq "$rule: the good revision has no finding at all" "" "$(grep '^good:' "$VH_T_TMP/f" || true)"
done

# A revision that kills the renderer: pinned on it, and the plan goes on
# (one child renders a whole plan; a new one takes the revisions after).
vh_t_run -- -c "$VH_T_TMP/vhost.ini" --plugin-dir "$F/render_crash" lint --all --offline --json
findings "$VH_T_TMP/out" >"$VH_T_TMP/f"
vh_t_eq "render crash: render-failed on the crashing revision only, the next one linted" \
  "rc02:render-failed:warning:0 rc03:drop-table" \
  "$(grep -o '^rc0[0-9]:[a-z-]*:[a-z]*:[0-9]*' "$VH_T_TMP/f" | sed 's/^\(rc03:drop-table\):.*/\1/' | tr '\n' ' ' | sed 's/ $//')"
# (Under AddressSanitizer its SEGV handler reports and exits with status 1.)
vh_t_check "... saying how the renderer ended" \
  grep -qE 'rendering it offline (was killed by signal 11|exited with status [1-9])' "$VH_T_TMP/out"

# ---- 2. size weighting ---------------------------------------------------------------
vh_t_run -- "${C[@]}" --plugin-dir "$F/lint_size" lint --all --json
findings "$VH_T_TMP/out" >"$VH_T_TMP/f"
vh_t_eq "connected: index build on the 150,000-row table is an error, on the empty one a note" \
  "sized:index-not-concurrent:error:1 sized:index-not-concurrent:note:2" \
  "$(grep index-not-concurrent "$VH_T_TMP/f" | tr '\n' ' ' | sed 's/ $//')"
vh_t_eq "connected: NOT NULL column without default is an error on big, a note on empty" \
  "sized:add-column-required:error:3 sized:add-column-required:note:4" \
  "$(grep add-column-required "$VH_T_TMP/f" | tr '\n' ' ' | sed 's/ $//')"
vh_t_eq "connected: an error-level finding exits 1" 1 "$VH_T_RC"
vh_t_check "connected: the size behind the level is reported" \
  "$PY" -c 'import json,sys; f=json.load(open(sys.argv[1]))["findings"][0]; sys.exit(not (f["relation"]=="lint_s.big" and f["size"].startswith("150000 rows")))' "$VH_T_TMP/out"
vh_t_run -- "${C[@]}" --plugin-dir "$F/lint_size" lint --all --offline --json
vh_t_eq "offline: the rule defaults (warnings), exit 0" "0 warning warning warning warning" \
  "$VH_T_RC $(findings "$VH_T_TMP/out" | cut -d: -f3 | tr '\n' ' ' | sed 's/ $//')"
vh_t_run -- -c "$VH_T_TMP/vhost.ini" --dsn "host=/nonexistent dbname=$db" --plugin-dir "$F/lint_size" lint --all
vh_t_check "no database: lints offline and says so" grep -q "linting offline" "$VH_T_TMP/err"
ini "$VH_T_TMP/small.ini" "lint_large_rows = 200000" "lint_large_mb = 100"
vh_t_run -- -c "$VH_T_TMP/small.ini" --dsn "dbname=$db" --plugin-dir "$F/lint_size" lint --all --json
vh_t_eq "thresholds come from the settings: big is below lint_large_rows = 200000" \
  "sized:index-not-concurrent:note:1" "$(findings "$VH_T_TMP/out" | head -n 1)"

# ---- 3. --json and SARIF shape ----------------------------------------------------------
vh_t_run -- "${C[@]}" --plugin-dir "$F/lint_ignore" lint --all --json
vh_t_check "--json: every finding has the documented fields and types" "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert isinstance(d["revisions"], int) and isinstance(d["online"], bool)
assert d["worst"] in (None, "note", "warning", "error") and d["trace"] is None
keys = {"rule": str, "level": str, "revision": str, "path": str, "statement_index": int,
        "statement": str, "relation": (str, type(None)), "lock": (str, type(None)),
        "size": (str, type(None)), "message": str, "fix": str, "ignored": (str, type(None))}
assert d["findings"]
for f in d["findings"]:
    for k, t in keys.items():
        assert isinstance(f[k], t), (k, f[k])
    assert f["level"] in ("note", "warning", "error")
' "$VH_T_TMP/out"
vh_t_run -- "${C[@]}" --plugin-dir "$F/lint_ignore" lint --all --format sarif
vh_t_check "SARIF 2.1.0: rules, results pointing at them, suppressions with the reason" "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == "2.1.0" and "sarif-2.1.0" in d["$schema"]
run = d["runs"][0]
rules = run["tool"]["driver"]["rules"]
ids = [r["id"] for r in rules]
assert len(ids) == len(set(ids)) and len(ids) >= 20
for r in rules:
    assert r["shortDescription"]["text"] and r["help"]["text"]
    assert r["defaultConfiguration"]["level"] in ("note", "warning", "error")
assert run["results"]
for res in run["results"]:
    assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
    assert res["level"] in ("note", "warning", "error", "none")
    assert res["message"]["text"]
    loc = res["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"]["uri"].endswith(".so")
    assert loc["logicalLocations"][0]["name"]
sup = [r for r in run["results"] if r.get("suppressions")]
assert len(sup) == 1 and sup[0]["ruleId"] == "index-not-concurrent"
assert sup[0]["suppressions"][0]["kind"] == "inSource"
assert "nightly batch" in sup[0]["suppressions"][0]["justification"]
' "$VH_T_TMP/out"

# ---- 4. VHOST_LINT_IGNORE ----------------------------------------------------------------
vh_t_run -- "${C[@]}" --plugin-dir "$F/lint_ignore" lint --all
vh_t_check "an ignored finding is shown as ignored, with the reason" \
  grep -q "ignored by VHOST_LINT_IGNORE: big is written only by the nightly batch" "$VH_T_TMP/out"
vh_t_eq "an ignored error does not fail lint (the rename is a warning)" 0 "$VH_T_RC"
vh_t_eq "the finding that was not silenced stays" "ignored:rename-column:warning:2" \
  "$(vh_t_run -- "${C[@]}" --plugin-dir "$F/lint_ignore" lint --all --json; findings "$VH_T_TMP/out" | grep -v '^!')"

# ---- 5. parsing: dollar quotes, comments, BEGIN ATOMIC ------------------------------------
vh_t_run -- "${C[@]}" --plugin-dir "$F/lint_parse" lint --all --offline --json
vh_t_eq "bodies and comments hide no statement and make none: one finding, statement 4" \
  "bodies:drop-index-not-concurrent:warning:4" "$(findings "$VH_T_TMP/out")"

# ---- 6. the gate before upgrade, and vhost test -------------------------------------------
G=(--dsn "dbname=$db" --plugin-dir "$F/lint_gate")
ini "$VH_T_TMP/error.ini" "lint = error"
vh_t_run -- -c "$VH_T_TMP/error.ini" "${G[@]}" upgrade head
vh_t_eq "lint = error: upgrade refuses before anything runs" "1 0" \
  "$VH_T_RC $(vh_t_psql "$db" "SELECT count(*) FROM pg_tables WHERE schemaname = '$S' AND tablename = 'alembic_version'")"
vh_t_check "lint = error: the finding and the reason are printed" grep -q "error\[index-not-concurrent\] gate" "$VH_T_TMP/err"
vh_t_run -- -c "$VH_T_TMP/error.ini" "${G[@]}" test
vh_t_check "vhost test includes lint (lint = error fails it)" \
  test "$VH_T_RC" = 1 -a -n "$(grep 'lint = error' "$VH_T_TMP/err")"
vh_t_run -- -c "$VH_T_TMP/vhost.ini" "${G[@]}" upgrade --sql head
vh_t_check "upgrade --sql does not lint" test "$VH_T_RC" = 0 -a -z "$(grep 'index-not-concurrent' "$VH_T_TMP/err")"
ini "$VH_T_TMP/bad.ini" "lint = maybe"
vh_t_run -- -c "$VH_T_TMP/bad.ini" "${G[@]}" upgrade head
vh_t_check "lint = maybe is a usage error naming the key" \
  test "$VH_T_RC" = 2 -a -n "$(grep "lint = 'maybe'" "$VH_T_TMP/err")"
vh_t_run -- "${C[@]}" --plugin-dir "$F/lint_gate" upgrade head
vh_t_eq "lint = warn (default): prints the finding and upgrades" "0 gate" \
  "$VH_T_RC $(vh_t_psql "$db" "SELECT version_num FROM $S.alembic_version")"
vh_t_check "lint = warn: the finding went to stderr" grep -q "error\[index-not-concurrent\]" "$VH_T_TMP/err"
vh_t_run -- "${C[@]}" --plugin-dir "$F/lint_gate" lint
vh_t_check "lint with nothing pending: no revision, exit 0" \
  test "$VH_T_RC" = 0 -a -n "$(grep '^lint: 0 revisions' "$VH_T_TMP/out")"
vh_t_psql "$db" "DROP INDEX $S.gate_idx; DROP TABLE $S.alembic_version, $S.vhost_history" >/dev/null
ini "$VH_T_TMP/offl.ini" "lint = off"
vh_t_run -- -c "$VH_T_TMP/offl.ini" "${G[@]}" upgrade head
vh_t_check "lint = off: nothing linted" test "$VH_T_RC" = 0 -a -z "$(grep 'index-not-concurrent' "$VH_T_TMP/err")"

# ---- 7. the lock trace --------------------------------------------------------------------
T=(-c "$VH_T_TMP/vhost.ini" --dsn "dbname=$db" --plugin-dir "$F/lint_trace")
vh_t_run -- "${T[@]}" lint --all --trace --json
vh_t_check "lint --trace: ADD COLUMN measured AccessExclusiveLock, CREATE INDEX ShareLock on t" "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
tr = {(t["revision"], t["statement_index"]): {(l["relation"], l["mode"]) for l in t["locks"]} for t in d["trace"]}
assert ("lint_s.t", "AccessExclusiveLock") in tr[("t2", 1)], tr
assert ("lint_s.t", "ShareLock") in tr[("t2", 2)], tr
f = [f for f in d["findings"] if f["rule"] == "index-not-concurrent"][0]
assert ("lint_s.t", "ShareLock") in {(l["relation"], l["mode"]) for l in f["measured_locks"]}
' "$VH_T_TMP/out"
vh_t_eq "lint --trace drops its scratch database" "" \
  "$(vh_t_psql postgres "SELECT datname FROM pg_database WHERE datname LIKE 'vhost_test_%' AND datname LIKE '%' || $$$$" 2>/dev/null || true)"
vh_t_run -- "${T[@]}" test --trace-locks
vh_t_check "test --trace-locks prints each statement's measured locks" \
  grep -q "measured: AccessExclusiveLock on lint_s.t" "$VH_T_TMP/out"
vh_t_eq "test --trace-locks: the test itself still passes" 0 "$VH_T_RC"

# ---- 8. the Vibesia chain --------------------------------------------------------------------
vh_t_run -- --plugin-dir "$VHOST_PLUGIN_DIR" lint --offline 1f0e2d3c4b5a:head
vh_t_check "Vibesia: every finding after the initial schema is fixed or silenced with a reason" \
  grep -q "lint: 4 revisions, 0 errors, 0 warnings, 0 notes, [1-9][0-9]* ignored" "$VH_T_TMP/out"
vh_t_run -- --plugin-dir "$VHOST_PLUGIN_DIR" lint --offline --all
vh_t_check "Vibesia: --all is clean too (exit 0)" \
  test "$VH_T_RC" = 0 -a -n "$(grep ', 0 errors, 0 warnings' "$VH_T_TMP/out")"

vh_t_finish
