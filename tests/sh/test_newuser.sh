#!/usr/bin/env bash
# test_newuser.sh - what a new user trips over first (issue 20): options in
# either place, which database a layered connection setting reaches, an
# empty plugin directory, drift seen by check/current, multiple-heads and
# reversed-range errors, JSON shapes, messages, non-ASCII slugs. Each
# section fails on the code before its fix.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
vh_t_setup newuser

F=$VHOST_FIXTURE_DIR
T=$VH_T_TMP
db=nu_main_$$
vh_t_createdb "$db"
DSN="dbname=$db"

# ---- global options after the command (item 8) -------------------------------------
vh_t_run -- --dsn "$DSN" --plugin-dir "$F/linear" --schema nu_opts upgrade head -q
vh_t_eq "a global -q after the command is accepted" 0 "$VH_T_RC"
vh_t_check "  and it quiets the run" test ! -s "$T/err"
vh_t_run -- upgrade 3b8e --dsn "$DSN" --plugin-dir="$F/linear" --schema nu_opts2 --insecure-plugins
vh_t_eq "--dsn, --plugin-dir=, --schema, --insecure-plugins after the command" 0 "$VH_T_RC"
vh_t_eq "  and they apply" 3b8e1f0c9a21 "$(vh_t_versions "$db" nu_opts2)"
vh_t_run -- heads --plugin-dir "$F/linear" -v
vh_t_check "a command's own -v still works next to global ones" grep -q "Path:" "$T/out"
vh_t_run -- heads --plugin-dir
vh_t_eq "a global option after the command without its value is a usage error" 2 "$VH_T_RC"
vh_t_check "  naming the option" grep -q "FAILED: .*--plugin-dir.*needs a value" "$T/err"

# ---- connection precedence: a higher level replaces the whole setting (item 1) -------
dba=nu_file_$$ dbb=nu_flag_$$ dbc=nu_env_$$
vh_t_createdb "$dba"; vh_t_createdb "$dbb"; vh_t_createdb "$dbc"
cat >"$T/a.ini" <<INI
[vhost]
plugin_dir = $F/linear
schema = nu_conn
[database]
dbname = $dba
user = nu_no_such_role
[env.staging]
dsn = dbname=$dbc
INI
# where HEAD landed: the databases that have the schema's version table
landed() {
  local d out=""
  for d in "$dba" "$dbb" "$dbc"; do
    [ -n "$(vh_t_versions "$d" nu_conn)" ] && out="$out${out:+ }$d"
  done
  echo "$out"
  for d in "$dba" "$dbb" "$dbc"; do
    vh_t_psql "$d" "DROP SCHEMA IF EXISTS nu_conn CASCADE" >/dev/null 2>&1
  done
}
vh_t_run -- -c "$T/a.ini" --dsn "dbname=$dbb" -v upgrade head
vh_t_eq "--dsn replaces the file's whole [database] (its dbname and user)" "$dbb" "$(landed)"
vh_t_check "  and -v says the connection came from --dsn" grep -q "Connection: from --dsn" "$T/err"
vh_t_run -- -c "$T/a.ini" -e staging -q upgrade head
vh_t_eq "[env.NAME]'s dsn replaces [database]'s keywords" "$dbc" "$(landed)"
vh_t_run -- -c "$T/a.ini" -e staging --dsn "dbname=$dbb" -q upgrade head
vh_t_eq "--dsn wins over [env.NAME]" "$dbb" "$(landed)"
vh_t_run VHOST_DATABASE_URL="postgresql:///$dbb" -- -c "$T/a.ini" -e staging -v upgrade head
vh_t_eq "VHOST_DATABASE_URL wins over [env.NAME] and the file" "$dbb" "$(landed)"
vh_t_check "  and -v names it" grep -q "Connection: from VHOST_DATABASE_URL" "$T/err"
vh_t_run VHOST_DATABASE_URL="postgresql:///$dbc" -- -c "$T/a.ini" --dsn "dbname=$dbb" -q upgrade head
vh_t_eq "--dsn wins over VHOST_DATABASE_URL" "$dbb" "$(landed)"
sed -i "s/^user = .*//" "$T/a.ini"
vh_t_run -- -c "$T/a.ini" -v upgrade head
vh_t_eq "without a higher level, the file's [database] applies" "$dba" "$(landed)"
vh_t_check "  and -v names the file's section" grep -q "Connection: from \[database\] in .*a.ini" "$T/err"

# ---- an empty or wrong plugin directory is an error (item 3) -----------------------
mkdir -p "$T/empty"
for cmd in "upgrade head" "stamp head" "downgrade base" "current" "history" "heads" "check" "upgrade --sql head"; do
  # shellcheck disable=SC2086
  vh_t_run -- --dsn "$DSN" --plugin-dir "$T/empty" --schema nu_empty $cmd
  vh_t_eq "'$cmd' with an empty plugin directory fails" 1 "$VH_T_RC"
  vh_t_check "  naming the directory" grep -q "FAILED: no revisions found in plugin directory '$T/empty'" "$T/err"
done
vh_t_eq "  and nothing was created" "" "$(vh_t_psql "$db" "SELECT to_regnamespace('nu_empty')")"
vh_t_run -- --dsn "$DSN" --plugin-dir "$T/no_such_dir" upgrade head
vh_t_eq "a missing plugin directory fails" 1 "$VH_T_RC"
vh_t_check "  naming it" grep -q "$T/no_such_dir" "$T/err"

# ---- check and current -v report drift (item 5) ------------------------------------
mkdir -p "$T/drift" && cp "$F"/run_drift/*.so "$T/drift/"
vh_t_run -- --dsn "$DSN" --plugin-dir "$T/drift" --schema nu_drift -q upgrade head
cp "$F/run_drift_alt/d1a000000001_base.so" "$T/drift/d1a000000001_base.so"
vh_t_run -- --dsn "$DSN" --plugin-dir "$T/drift" --schema nu_drift check
vh_t_eq "check fails when an applied plugin changed" 1 "$VH_T_RC"
vh_t_check "  saying which" grep -q "FAILED: revision d1a000000001 was applied .* SHA-256" "$T/err"
vh_t_run -- --dsn "$DSN" --plugin-dir "$T/drift" --schema nu_drift current -v
vh_t_check "current -v reports the drift" grep -q "drift: revision d1a000000001 was applied" "$T/out"

# ---- multiple heads: suggest what works (item 6) -----------------------------------
vh_t_run -- --dsn "$DSN" --plugin-dir "$F/branch" --schema nu_heads upgrade head
vh_t_eq "upgrade head with two heads fails" 1 "$VH_T_RC"
vh_t_check "  and <branchname>@head, which works now that branches have labels" \
  grep -q "'<branchname>@head'" "$T/err"
vh_t_check "  suggesting the heads by id and 'vhost heads'" \
  grep -q "8e2c6b1a4d07.*b91d4f0e3a68.*'vhost heads'\|b91d4f0e3a68.*8e2c6b1a4d07.*'vhost heads'" "$T/err"

# ---- reversed ranges (item 7) -----------------------------------------------------
vh_t_run -- --plugin-dir "$F/linear" upgrade --sql e59b:3b8e
vh_t_eq "upgrade --sql NEW:OLD is a usage error" 2 "$VH_T_RC"
vh_t_check "  saying the range is reversed" grep -q "FAILED: .*range .*reversed" "$T/err"
vh_t_run -- --plugin-dir "$F/linear" downgrade --sql 3b8e:e59b
vh_t_eq "downgrade --sql OLD:NEW is a usage error" 2 "$VH_T_RC"
vh_t_run -- --plugin-dir "$F/linear" history -r e59b:3b8e
vh_t_eq "history -r NEW:OLD is a usage error" 2 "$VH_T_RC"
vh_t_check "  saying the range is reversed" grep -q "FAILED: .*range .*reversed" "$T/err"
vh_t_run -- --plugin-dir "$F/linear" history -r 3b8e:e59b
vh_t_eq "history -r OLD:NEW still works" "3" "$(grep -c -- '->' "$T/out")"

# ---- JSON (item 10) ------------------------------------------------------------------
vh_t_run -- --dsn "$DSN" --plugin-dir "$F/linear" --schema nu_json -q upgrade head
vh_t_run RELY_CRASH=none -- --dsn "$DSN" --plugin-dir "$F/run_fail" --schema nu_json_f -q upgrade head
vh_t_run -- --dsn "$DSN" --plugin-dir "$F/linear" --schema nu_json history --applied --json
json_check() { # json_check NAME FILE PYTHON-EXPR-ON-d
  /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($3) else 1)" "$2" \
    && vh_t_ok "$1" || vh_t_fail "$1" "$(head -c 600 "$2")"
}
json_check "history --applied --json: duration_ms is a number" "$T/out" \
  "all(isinstance(r['duration_ms'], (int, float)) for r in d)"
json_check "  and has sqlstate, statement, down_revision, plugin_file, os_user" "$T/out" \
  "all(k in r for r in d for k in ('sqlstate', 'statement', 'down_revision', 'plugin_file', 'os_user'))"
json_check "  the parent is there" "$T/out" "d[1]['down_revision'] == '3b8e1f0c9a21'"
vh_t_run -- --dsn "$DSN" --plugin-dir "$F/run_fail" --schema nu_json_f history --applied --json
json_check "a failed row's sqlstate and statement are there" "$T/out" \
  "any(r['outcome'] == 'failed' and r['sqlstate'] and r['statement'] for r in d)"
vh_t_run -- --plugin-dir "$F/linear" history --json
json_check "history --json without -i has no 'current' key" "$T/out" "all('current' not in r for r in d)"
json_check "  and has each revision's description" "$T/out" "all('description' in r for r in d)"
vh_t_run -- --dsn "$DSN" --plugin-dir "$F/linear" --schema nu_json history --json -i
json_check "history --json -i says which is current" "$T/out" \
  "[r['revision'] for r in d if r['current']] == ['e59b07d3c4f2']"
vh_t_run -- --plugin-dir "$F/linear" history --format json
vh_t_eq "history --format json works" 0 "$VH_T_RC"
json_check "  as --json does" "$T/out" "len(d) == 3"
vh_t_run -- --dsn "$DSN" --plugin-dir "$F/linear" --schema nu_json history --applied --format json
json_check "history --applied --format json as well" "$T/out" "len(d) == 3"

# ---- messages (item 11) ---------------------------------------------------------------
vh_t_run -- --dsn "$DSN" --plugin-dir "$F/run_fail" --schema nu_msg -q upgrade f1a000000001
vh_t_run -- --dsn "$DSN" --plugin-dir "$F/run_fail" --schema nu_msg upgrade --dry-run head
vh_t_check "a dry run failing at its first revision does not say 'the 0 revisions'" \
  bash -c "! grep -q 'the 0 revision' '$T/out'"
vh_t_check "  but that nothing before it would run" grep -q "would fail at f1a000000002, the first revision" "$T/out"
vh_t_run -- --dsn "$DSN" --plugin-dir "$F/run_verify" --schema nu_verify upgrade head
vh_t_eq "a failing verify() fails the run" 1 "$VH_T_RC"
vh_t_check "  and says verify failed" grep -q "FAILED: verify() of upgrade e1a000000002 .* failed" "$T/err"
vh_t_run -- -Z current
vh_t_eq "an unknown global option is a usage error" 2 "$VH_T_RC"
vh_t_eq "  in one line" 1 "$(wc -l <"$T/err")"
vh_t_check "  pointing at --help" grep -q "FAILED: unknown global option '-Z' (see 'vhost --help')" "$T/err"
for spec in 'head~1' 'head^' 'e59b^' 'e59b~2'; do
  vh_t_run -- --plugin-dir "$F/linear" show "$spec"
  vh_t_check "'$spec' suggests head-1 / REV-N" grep -qF "'$spec' (relative revisions are written head-1" "$T/err"
done
vh_t_run -- --plugin-dir "$F/linear" show 3b8
vh_t_check "a 3-character prefix gets the 4-character minimum" grep -q "FAILED: .*'3b8'.*at least 4 characters" "$T/err"

vh_t_finish
