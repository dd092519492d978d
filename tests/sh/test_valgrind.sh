#!/usr/bin/env bash
# test_valgrind.sh - the host's main commands under valgrind's memcheck, on
# success and on the common failure paths, against a scratch database:
# no definite or indirect leaks and no invalid accesses (valgrind exits 99
# when it finds either). scripts/test installs valgrind, so its absence is
# a failure. The sanitizer build is skipped: valgrind cannot run an
# AddressSanitizer binary, and that build checks memory itself.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
vh_t_setup valgrind

if grep -qs '^VHOST_SANITIZE:BOOL=ON' "$VHOST_BUILD_DIR/CMakeCache.txt" ||
   ldd "$VHOST_BIN" 2>/dev/null | grep -q libasan; then
  echo "skipped: $VHOST_BIN is built with AddressSanitizer, which valgrind cannot run (that build checks memory itself)"
  echo "0 passed, 0 failed"
  exit 0
fi
if ! command -v valgrind >/dev/null; then
  vh_t_fail "valgrind is installed" "not found (scripts/test installs it; apt-get install valgrind)"
  vh_t_finish
fi

F=$VHOST_FIXTURE_DIR
T=$VH_T_TMP
db=rely_vg_$$
vh_t_createdb "$db"
VG=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99
    --show-leak-kinds=definite,indirect --num-callers=30)

# vg WANT ARGS...: runs vhost ARGS under valgrind; passes when the exit
# status is WANT (so the failure paths are exercised too) and valgrind
# found nothing. The valgrind log is shown on failure.
n=0
vg() {
  local want=$1 rc=0
  shift
  n=$((n + 1))
  "${VG[@]}" --log-file="$T/vg.$n.log" "$VHOST_BIN" "$@" >"$T/out" 2>"$T/err" </dev/null || rc=$?
  if [ "$rc" = "$want" ] && [ ! -s "$T/vg.$n.log" ]; then
    vh_t_ok "valgrind: vhost $* (exit $rc)"
  else
    vh_t_fail "valgrind: vhost $*" "exit $rc, want $want$([ "$rc" = 99 ] && echo ': memcheck errors')"
    head -n 60 "$T/vg.$n.log" | sed 's/^/    /'
    sed 's/^/    stderr: /' "$T/err" | head -n 5
  fi
}

L=(--dsn "dbname=$db" --plugin-dir "$F/linear" --schema rely_vg)
# metadata only
vg 0 "${L[@]}" history
vg 0 "${L[@]}" heads
vg 0 "${L[@]}" show 7c44
vg 0 "${L[@]}" plugins
vg 0 "${L[@]}" upgrade --sql head
vg 0 "${L[@]}" downgrade --sql e59b07d3c4f2:base
# online, through the whole chain and back
vg 0 "${L[@]}" current
vg 0 "${L[@]}" upgrade 7c44d2a9e610
vg 0 "${L[@]}" upgrade head
vg 0 "${L[@]}" current -v
vg 0 "${L[@]}" current --json
vg 0 "${L[@]}" history -i
vg 0 "${L[@]}" history --applied
vg 0 "${L[@]}" check
vg 0 "${L[@]}" downgrade -1
vg 0 "${L[@]}" upgrade +1
vg 0 "${L[@]}" stamp 7c44d2a9e610
vg 0 "${L[@]}" stamp head
vg 0 "${L[@]}" downgrade base
vg 0 "${L[@]}" upgrade --dry-run head
vg 0 "${L[@]}" upgrade --single-transaction head
# failure paths
vg 2 "${L[@]}" upgrade +x
vg 1 "${L[@]}" upgrade 0000
vg 1 --dsn "dbname=$db" --plugin-dir "$F/bad_dup" upgrade head
vg 1 --dsn "dbname=$db" --plugin-dir "$F/bad_abi" plugins
vg 1 --dsn "host=$T/nosocket dbname=x" --plugin-dir "$F/linear" upgrade head
vg 1 --dsn "dbname=$db" --plugin-dir "$F/rely_half" --schema rely_vg_half upgrade head
vg 0 --dsn "dbname=$db" --plugin-dir "$F/rely_nontx" --schema rely_vg_nontx upgrade head
vg 2 -c "$T/missing.ini" current

vh_t_finish
