#!/usr/bin/env bash
# test_authoring_hotadd.sh - adding revisions to a deployed host. The host
# and SDK are installed once (cmake --install); then, with that installed
# vhost: a revision is written (`vhost revision`), built out of tree against
# the installed SDK (the example project's CMake build), copied into the
# deployment's plugin directory and applied by `vhost upgrade head`. Then a
# branch: two revisions on the same head (built with the command vhost
# prints), `upgrade head` refusing with the multiple-heads message, `vhost
# merge heads`, and `upgrade head` succeeding. The installed host and SDK
# library are byte-for-byte unchanged throughout.
set -u
# Plugins and their directories must not be group-writable for the loader.
umask 022
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
: "${VHOST_BUILD_DIR:?}" "${VHOST_SOURCE_DIR:?}"

pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() { local what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }

T=$(mktemp -d /tmp/vhost-hotadd.XXXXXX)
DB=auth_hotadd
cleanup() {
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
  rm -rf "$T"
}
trap cleanup EXIT
chmod 755 "$T"
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null

# --- Install once -----------------------------------------------------------
cmake --install "$VHOST_BUILD_DIR" --prefix "$T/prefix" >"$T/install.log" 2>&1 ||
  { cat "$T/install.log" >&2; echo "test_authoring_hotadd: 0 passed, 1 failed"; exit 1; }
P=$T/prefix
VHOST=$P/bin/vhost
sums() { sha256sum "$VHOST" "$P"/lib*/libvhost_sdk.so* "$P"/lib/*/libvhost_sdk.so* 2>/dev/null | sort; }
sums >"$T/sums.before"

# The deployment: its own plugin directory, fed with copies.
DEPLOY=$T/deploy
mkdir -m 755 "$DEPLOY"
# The authors' project: the installed example, built out of tree.
cp -r "$P/share/doc/vhost/examples/shop" "$T/shop"
PROJ=$T/shop
build_project() {
  (cd "$PROJ" && CMAKE_PREFIX_PATH=$P cmake -S . -B build >/dev/null && cmake --build build) \
    >"$T/build.log" 2>&1 || { cat "$T/build.log" >&2; return 1; }
}
ship() { install -m 0644 "$@" "$DEPLOY/"; }
# vh ARGS: the installed vhost in the project; stdout $T/out, stderr $T/err.
vh() { (cd "$PROJ" && "$VHOST" "$@") >"$T/out" 2>"$T/err"; rc=$?; }
deployed() { vh --plugin-dir "$DEPLOY" --dsn "dbname=$DB" "$@"; }
written() { sed -n 's/^  Generating \(.*\) \.\.\.  done$/\1/p' "$T/out"; }
buildcmd() { sed -n '/^  Build it with:$/{n;s/^    //p;}' "$T/out"; }
id_of() { basename "$1" | sed 's/_.*//'; }
set_bodies() { # FILE UPGRADE DOWNGRADE: replace the default `return 0;`s
  awk -v up="$2" -v down="$3" '/^\treturn 0;$/ { n++; print "\t" (n == 1 ? up : down); next } { print }' \
    "$1" >"$1.tmp" && mv "$1.tmp" "$1"
}
has_table() { test "$(psql -X -A -t -d $DB -c "SELECT to_regclass('shop.$1') IS NOT NULL")" = t; }

check "the example project builds against the installed SDK" build_project
ship "$PROJ"/build/plugins/*.so
deployed upgrade head
check "the first two revisions apply ($(cat "$T/err"))" test "$rc" -eq 0

# --- A new revision, hot-added ---------------------------------------------
vh revision -m "add stock to products"
check "vhost revision writes into the project's source_dir" test -f "$(written)"
f=$(written); stock=$(id_of "$f")
check "it builds on the project's head" grep -q "VHOST_REVISION(\"$stock\", \"7f3b9a06d5e2\"," "$f"
set_bodies "$f" 'return vh_exec(ctx, "ALTER TABLE products ADD COLUMN stock integer NOT NULL DEFAULT 0");' \
  'return vh_exec(ctx, "ALTER TABLE products DROP COLUMN stock");'
check "the project rebuilds with the new revision" build_project
check "its plugin is there" test -f "$PROJ/build/plugins/$(basename "$f" .c).so"
ship "$PROJ/build/plugins/$(basename "$f" .c).so"
deployed upgrade head
check "upgrade head applies the hot-added revision ($(cat "$T/err"))" test "$rc" -eq 0
check "its column exists" test "$(psql -X -A -t -d $DB -c "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'shop' AND column_name = 'stock'")" = 1
deployed current
check "the database is at it" grep -q "^$stock" "$T/out"

# --- A branch, refused, merged --------------------------------------------
vh revision -m "left side" --rev-id 1ef7000000a1
fl=$(written); cl=$(buildcmd)
set_bodies "$fl" 'return vh_exec(ctx, "CREATE TABLE left_side (id int)");' 'return vh_exec(ctx, "DROP TABLE left_side");'
vh revision -m "right side" --rev-id 1ef7000000b2 --head "$stock" --splice
fr=$(written); cr=$(buildcmd)
set_bodies "$fr" 'return vh_exec(ctx, "CREATE TABLE right_side (id int)");' 'return vh_exec(ctx, "DROP TABLE right_side");'
check "both sides revise the same head" \
  bash -c "grep -q '\"$stock\",' '$fl' && grep -q '\"$stock\",' '$fr'"
case $cl in *"-I$P/include "*) ok;; *) bad "the printed command uses the installed SDK: $cl";; esac
check "the printed command builds the left side" bash -c "cd '$PROJ' && $cl"
check "and the right side" bash -c "cd '$PROJ' && $cr"
ship "$PROJ/build/plugins/1ef7000000a1_left_side.so" "$PROJ/build/plugins/1ef7000000b2_right_side.so"
deployed upgrade head
check "upgrade head refuses two heads (exit $rc)" test "$rc" -eq 1
check "with Alembic's message" grep -q "Multiple head revisions are present for given argument 'head'" "$T/err"
check "and applies nothing" bash -c "! psql -X -A -t -d $DB -c \"SELECT to_regclass('shop.left_side')\" | grep -q left"
vh merge -m "merge left and right" heads
fm=$(written); merge=$(id_of "$fm")
check "vhost merge writes the merge ($(cat "$T/err"))" test -f "$fm"
check "naming both heads" grep -qE "\"(1ef7000000a1,1ef7000000b2|1ef7000000b2,1ef7000000a1)\"," "$fm"
check "the project builds the merge" build_project
ship "$PROJ/build/plugins/$(basename "$fm" .c).so"
deployed heads
check "the deployment has one head, the merge" test "$(cut -d' ' -f1 "$T/out")" = "$merge"
deployed upgrade head
check "upgrade head now succeeds ($(cat "$T/err"))" test "$rc" -eq 0
check "both sides ran" bash -c "$(declare -f has_table); DB=$DB; has_table left_side && has_table right_side"
deployed current
check "the database is at the merge" grep -q "^$merge" "$T/out"

sums >"$T/sums.after"
check "the installed host and SDK are unchanged" cmp -s "$T/sums.before" "$T/sums.after"
check "(and were checksummed)" grep -q "bin/vhost" "$T/sums.before"

echo "test_authoring_hotadd: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
