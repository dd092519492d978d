#!/usr/bin/env bash
# tests/sh/test_readonly.sh - the commands that need no database (history,
# heads, branches, show, plugins) print Alembic's formats over the Vibesia
# chain and the branch/merge fixtures, and never connect: PGHOST points at
# nothing here, so any connection attempt would fail the command.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
vh_t_setup readonly

V() { vh_t_run PGHOST=/nonexistent PGPORT=1 -- --plugin-dir "$1" "${@:2}"; }
out() { cat "$VH_T_TMP/out"; }
fix=$VHOST_FIXTURE_DIR

# history over the Vibesia chain, newest first, Alembic's line format
V "$VHOST_PLUGIN_DIR" history
vh_t_eq "history exits 0 without a database" 0 "$VH_T_RC"
vh_t_eq "history: Vibesia chain in Alembic's format" \
"3cfc87221979 -> ecf5acd6708d (head), make password_changed_at nullable
2d12193b6184 -> 3cfc87221979, set on delete set null for audit_log app_user_id
360b16ba22c2 -> 2d12193b6184, add ondelete cascade for user foreign keys
1f0e2d3c4b5a -> 360b16ba22c2, add password_changed_at column to user table
<base> -> 1f0e2d3c4b5a, initial schema" "$(out)"

V "$VHOST_PLUGIN_DIR" history -r 360b:2d12
vh_t_eq "history -r START:END" \
"360b16ba22c2 -> 2d12193b6184, add ondelete cascade for user foreign keys
1f0e2d3c4b5a -> 360b16ba22c2, add password_changed_at column to user table" "$(out)"
V "$VHOST_PLUGIN_DIR" history -r :1f0e
vh_t_eq "history -r :END" "<base> -> 1f0e2d3c4b5a, initial schema" "$(out)"
V "$VHOST_PLUGIN_DIR" history -r 3cfc
vh_t_eq "history -r without a colon is a usage error" 2 "$VH_T_RC"

V "$VHOST_PLUGIN_DIR" history -v -r ecf5:
vh_t_check "history -v shows Rev/Parent/Path" grep -q "^Parent: 3cfc87221979" "$VH_T_TMP/out"
vh_t_check "history -v shows the path" grep -q "^Path: .*ecf5acd6708d_make_password_changed_at_nullable.so" "$VH_T_TMP/out"

V "$VHOST_PLUGIN_DIR" history --json
vh_t_check "history --json is a JSON array of 5" \
  test "$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' <"$VH_T_TMP/out")" = 5

# heads, branches, show over the fixture graphs
V "$fix/branch" heads
vh_t_eq "heads lists both heads" "8e2c6b1a4d07 (head)
b91d4f0e3a68 (head)" "$(out)"
V "$fix/branch" branches
vh_t_eq "branches: the branchpoint and where it splits" "5a0f3e7d21b9 (branchpoint)
             -> 8e2c6b1a4d07 (head), left branch
             -> b91d4f0e3a68 (head), right branch" "$(out)"
V "$fix/merge" history
vh_t_eq "history marks merge and branch points" \
"64f1b8e2c0a9, 9ac3e5d7f182 -> d03b6a4c8e57 (head) (mergepoint), merge left and right
2d7a9c0e5b13 -> 9ac3e5d7f182, right branch
2d7a9c0e5b13 -> 64f1b8e2c0a9, left branch
<base> -> 2d7a9c0e5b13 (branchpoint), merge base" "$(out)"
V "$fix/merge" show d03b
vh_t_check "show REV: Merges line" grep -qx "Merges: 64f1b8e2c0a9, 9ac3e5d7f182" "$VH_T_TMP/out"
vh_t_check "show REV: Rev line" grep -qx "Rev: d03b6a4c8e57 (head) (mergepoint)" "$VH_T_TMP/out"
V "$fix/branch" show head
vh_t_eq "show head with two heads fails" 1 "$VH_T_RC"
vh_t_check "...with Alembic's message" grep -q "Multiple head revisions are present for given argument 'head'" "$VH_T_TMP/err"
V "$fix/merge" show zzzz
vh_t_check "show of an unknown id: Alembic's message" grep -q "Can't locate revision identified by 'zzzz'" "$VH_T_TMP/err"

# plugins: every file, and a non-zero exit when one does not load
V "$VHOST_PLUGIN_DIR" plugins
vh_t_eq "plugins over Vibesia exits 0" 0 "$VH_T_RC"
vh_t_check "plugins lists each revision with its parent and ABI" \
  grep -Eq "^ok +2d12193b6184 +360b16ba22c2 +1\.[0-9]+ " "$VH_T_TMP/out"
vh_t_check "plugins ends with the graph check" grep -qx "5 revisions, graph OK." "$VH_T_TMP/out"
V "$fix/bad_noabi" plugins
vh_t_eq "plugins with a broken file exits 1" 1 "$VH_T_RC"
vh_t_check "...naming the file and the fix" grep -q "c0ffee000001_noabi.so: missing ABI descriptor vh_revision_abi_data (built without VHOST_REVISION?)" "$VH_T_TMP/out"
V "$fix/bad_cycle" plugins
vh_t_eq "plugins over a cycle exits 1" 1 "$VH_T_RC"
vh_t_check "...with Alembic's cycle message" grep -q "Cycle is detected in revisions" "$VH_T_TMP/err"

# nothing in stdout on failure, one FAILED line on stderr
V "$fix/bad_dup" history
vh_t_eq "history over duplicate ids exits 1" 1 "$VH_T_RC"
vh_t_eq "...prints nothing on stdout" "" "$(out)"
vh_t_eq "...and one FAILED line" 1 "$(grep -c '^FAILED: ' "$VH_T_TMP/err")"

vh_t_finish
