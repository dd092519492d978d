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

vh_t_finish
