#!/usr/bin/env bash
# test_offline.sh - `upgrade --sql` / `downgrade --sql`: the scripts for the
# fixture set tests/plugins/offline_graph (quoting, a multi-statement exec, a
# branch, a merge, a non-transactional revision) match tests/expected/*.sql;
# applied with psql to fresh databases they give the same schema and version
# table as the online runs; and revisions that need the server
# (tests/plugins/offline_query) are refused by name with nothing printed.
#
# VHOST_UPDATE_EXPECTED=1 rewrites the expected scripts instead of comparing
# (review the diff before committing it).
set -u
# Plugins and their directories must not be group-writable for the loader.
umask 022
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
: "${VHOST_BIN:?}" "${VHOST_SOURCE_DIR:?}" "${VHOST_FIXTURE_DIR:?}"

pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() { local what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }

work=$(mktemp -d /tmp/vhost-offline.XXXXXX)
dbs=(auth_off_script auth_off_online auth_off_single auth_off_query)
cleanup() {
  for db in "${dbs[@]}"; do psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1; done
  rm -rf "$work"
}
trap cleanup EXIT

expected=$VHOST_SOURCE_DIR/tests/expected
graph=$VHOST_FIXTURE_DIR/offline_graph
query=$VHOST_FIXTURE_DIR/offline_query
S=offline_s

# Every setting that shapes the script is pinned here, so the expected files
# depend on the fixtures alone.
ini() { # ini FILE PLUGIN_DIR [extra lines]
  local f=$1 dir=$2; shift 2
  { echo "[vhost]"; echo "plugin_dir = $dir"; echo "schema = $S"
    echo "version_table = alembic_version"; echo "history_table = vhost_history"
    echo "lock_timeout = 5s"; echo "statement_timeout = 0"; printf '%s\n' "$@"; } >"$f"
}
ini "$work/graph.ini" "$graph" "transaction_per_revision = true"
ini "$work/single.ini" "$graph" "transaction_per_revision = false"
ini "$work/query.ini" "$query" "transaction_per_revision = true"

vh() { "$VHOST_BIN" --insecure-plugins "$@"; }

# --- 1. Scripts against tests/expected -----------------------------------
# expect NAME INI ARGS...: stdout is tests/expected/offline_NAME.sql exactly,
# stderr only the progress line, exit 0.
expect() {
  local name=$1 conf=$2; shift 2
  local want=$expected/offline_$name.sql out=$work/$name.sql err=$work/$name.err
  vh -c "$conf" "$@" >"$out" 2>"$err"
  local rc=$?
  check "$name: exit $rc ($(cat "$err"))" test $rc -eq 0
  check "$name: stderr has only the progress line" grep -q '^Rendered [0-9]* revisions\? offline' "$err"
  if [ "${VHOST_UPDATE_EXPECTED:-}" = 1 ]; then
    cp "$out" "$want"
  elif ! diff -u "$want" "$out" >"$work/$name.diff"; then
    bad "$name: script differs from $want:"; cat "$work/$name.diff" >&2
  else
    ok
  fi
}
expect upgrade_head "$work/graph.ini" upgrade --sql head
expect upgrade_from_widen "$work/graph.ini" upgrade --sql 0ff1ce000002:head
expect upgrade_head_single "$work/single.ini" upgrade --sql head
expect downgrade_to_widen "$work/graph.ini" downgrade --sql head:0ff1ce000002
expect downgrade_to_base "$work/graph.ini" downgrade --sql head:base
expect downgrade_relative "$work/graph.ini" downgrade --sql 0ff1ce000002:-1
# The default spec of upgrade is head; a prefix works as a full id does.
vh -c "$work/graph.ini" upgrade --sql >"$work/default.sql" 2>/dev/null
check "upgrade --sql defaults to head" cmp -s "$work/default.sql" "$work/upgrade_head.sql"
vh -c "$work/graph.ini" upgrade --sql 0ff1ce000002:0ff1ce000006 >"$work/prefix.sql" 2>/dev/null
check "ids and head give the same range" cmp -s "$work/prefix.sql" "$work/upgrade_from_widen.sql"

# --- 2. Usage errors (Alembic's messages), nothing on stdout --------------
usage() { # usage WANT_RC PATTERN ARGS...
  local want=$1 pat=$2; shift 2
  vh -c "$work/graph.ini" "$@" >"$work/u.out" 2>"$work/u.err"
  local rc=$?
  check "'$*' exits $want (got $rc)" test $rc -eq "$want"
  check "'$*' says '$pat'" grep -q -- "$pat" "$work/u.err"
  check "'$*' prints no script" test ! -s "$work/u.out"
}
usage 2 "downgrade with --sql requires <fromrev>:<torev>" downgrade --sql base
usage 2 "no current revision offline" upgrade --sql -1:head
usage 2 "the range .0ff1ce000002:0ff1ce000006. is reversed" downgrade --sql 0ff1ce000002:0ff1ce000006
usage 1 "Can't locate revision identified by 'abcdef999999'" upgrade --sql abcdef999999

# --- 3. Revisions that need the server are refused -----------------------
refuse() { # refuse WHY ARGS...
  local why=$1; shift
  vh -c "$work/query.ini" "$@" >"$work/r.out" 2>"$work/r.err"
  local rc=$?
  check "'$*' exits 1 (got $rc)" test $rc -eq 1
  check "'$*' names the revision and $why" \
    grep -q "revision 0ff1ce0000a2 .*cannot be rendered offline: its .*() calls $why" "$work/r.err"
  check "'$*' prints nothing on stdout" test ! -s "$work/r.out"
}
refuse "vh_query_int()" upgrade --sql head
refuse "vh_query_int()" upgrade --sql 0ff1ce0000a1:head
refuse "vh_conn()" downgrade --sql head:base
# ...while the range without it renders, and applies.
vh -c "$work/query.ini" upgrade --sql 0ff1ce0000a1 >"$work/q.sql" 2>/dev/null
check "the range below the refusing revision renders" grep -q "CREATE TABLE q_plain" "$work/q.sql"
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS auth_off_query" -c "CREATE DATABASE auth_off_query" >/dev/null
check "that script applies" psql -X -q -v ON_ERROR_STOP=1 -d auth_off_query -f "$work/q.sql" -o /dev/null
# Online, the same revision runs.
check "online, the refused revision runs" vh -q -c "$work/query.ini" --dsn dbname=auth_off_query upgrade head

# --- 4. The scripts, applied with psql, equal the online runs ------------
fresh() { psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null; }
apply() { psql -X -q -v ON_ERROR_STOP=1 -d "$1" -f "$2" -o /dev/null 2>"$work/psql.err" ||
  { echo "psql $2 on $1:" >&2; cat "$work/psql.err" >&2; return 1; }; }
online() { local db=$1; shift; vh -q -c "$work/graph.ini" --dsn "dbname=$db" "$@"; }
# The schema as pg_dump writes it, less vhost's own history table (the
# online runner's log, which scripts do not keep, as Alembic has none), and
# the version table's rows.
state() {
  pg_dump -s -n "$S" -T "$S.vhost_history" -d "$1" | grep -v -e '^\\restrict' -e '^\\unrestrict' -e '^-- Dumped'
  echo "-- version table:"
  psql -X -A -t -d "$1" -c "SELECT version_num FROM $S.alembic_version ORDER BY 1"
}
same() { # same WHAT
  state auth_off_script >"$work/a.state"; state auth_off_online >"$work/b.state"
  if diff -u "$work/b.state" "$work/a.state" >"$work/state.diff"; then ok
  else bad "$1: script and online states differ:"; cat "$work/state.diff" >&2; fi
}
fresh auth_off_script; fresh auth_off_online; fresh auth_off_single
check "upgrade_head.sql applies" apply auth_off_script "$work/upgrade_head.sql"
check "online upgrade head" online auth_off_online upgrade head
same "upgrade head"
check "the state holds the head" grep -qx 0ff1ce000006 "$work/a.state"
check "the state holds the quoted table" grep -q '"Offline Items"' "$work/a.state"
check "upgrade_head_single.sql applies" apply auth_off_single "$work/upgrade_head_single.sql"
state auth_off_single >"$work/c.state"
check "single-transaction script gives the same state" cmp -s "$work/a.state" "$work/c.state"

check "downgrade_to_widen.sql applies" apply auth_off_script "$work/downgrade_to_widen.sql"
check "online downgrade 0ff1ce000002" online auth_off_online downgrade 0ff1ce000002
same "downgrade head:0ff1ce000002"
check "upgrade_from_widen.sql applies" apply auth_off_script "$work/upgrade_from_widen.sql"
check "online upgrade head again" online auth_off_online upgrade head
same "upgrade 0ff1ce000002:head"
check "downgrade_to_base.sql applies" apply auth_off_script "$work/downgrade_to_base.sql"
check "online downgrade base" online auth_off_online downgrade base
same "downgrade head:base"
check "at base, the version table is empty but kept" grep -q 'CREATE TABLE offline_s.alembic_version' "$work/a.state"

echo "test_offline: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
