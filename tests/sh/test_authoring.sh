#!/usr/bin/env bash
# test_authoring.sh - `vhost revision` and `vhost merge`: the template's
# output compiles warning-free with the command vhost prints, loads, and
# runs; ids, slugs, parents (chained through sources not built yet), --head,
# --splice, --rev-id, the multiple-heads refusal, merges, custom templates
# and the errors an author meets.
set -u
# Plugins and their directories must not be group-writable for the loader.
umask 022
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
: "${VHOST_BIN:?}"

pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() { local what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }

W=$(mktemp -d /tmp/vhost-author.XXXXXX)
DB=auth_authoring
cleanup() {
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
  rm -rf "$W"
}
trap cleanup EXIT
chmod 755 "$W"
mkdir -m 755 "$W/plugins"
cat >"$W/vhost.ini" <<EOF
[vhost]
plugin_dir = plugins
source_dir = src
schema = auth_authoring_s
EOF
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null

# vh ARGS: vhost in the project directory with its settings; output in
# $W/out and $W/err, status in $rc.
vh() { (cd "$W" && "$VHOST_BIN" -c vhost.ini "$@") >"$W/out" 2>"$W/err"; rc=$?; }
# The file `revision`/`merge` wrote, and the build command it printed.
# (relative to the project: source_dir from vhost.ini comes back absolute)
written() { sed -n 's/^  Generating \(.*\) \.\.\.  done$/\1/p' "$W/out" | sed "s|^$W/||"; }
buildcmd() { sed -n '/^  Build it with:$/{n;s/^    //p;}' "$W/out"; }
# build: runs the printed command (in the project dir) with strict warnings.
build() {
  local cmd; cmd=$(buildcmd)
  [ -n "$cmd" ] || { echo "no build command printed" >&2; return 1; }
  (cd "$W" && eval "$cmd -std=c11 -Wall -Wextra -Werror -pedantic") 2>&1
}
id_of() { basename "$1" | sed 's/_.*//'; }
# Replaces the default bodies: upgrade's `return 0;` by $2, downgrade's by $3.
set_bodies() {
  awk -v up="$2" -v down="$3" '/^\treturn 0;$/ { n++; print "\t" (n == 1 ? up : down); next } { print }' \
    "$1" >"$1.tmp" && mv "$1.tmp" "$1"
}

# --- The first revision: a base, built and run ---------------------------
vh revision -m "create widgets"
check "revision exits 0 (got $rc: $(cat "$W/err"))" test "$rc" -eq 0
f1=$(written); id1=$(id_of "$f1")
check "the file is in source_dir as <12 hex>_<slug>.c ($f1)" \
  bash -c "[[ '$f1' =~ ^src/[0-9a-f]{12}_create_widgets\.c$ ]]"
check "it declares a base revision" grep -q "VHOST_REVISION(\"$id1\", NULL," "$W/$f1"
check "its header says it revises <base>" grep -q "Revises: <base>" "$W/$f1"
check "the build command outputs into plugin_dir" \
  bash -c "buildcmd() { sed -n '/^  Build it with:\$/{n;s/^    //p;}' '$W/out'; }; buildcmd | grep -q -- '-o $W/plugins/${id1}_create_widgets.so'"
set_bodies "$W/$f1" 'return vh_exec(ctx, "CREATE TABLE widgets (id int)");' \
  'return vh_exec(ctx, "DROP TABLE widgets");'
check "the template compiles with -Wall -Wextra -Werror -pedantic" build
out1=$(cp "$W/out" "$W/out1")

# --- The second: chained to the first before that is built again ---------
rm -f "$W/plugins/"*.so
msg='say "hi" \ ??/ */ and a message long enough to be cut at forty characters'
vh revision -m "$msg"
f2=$(written); id2=$(id_of "$f2")
check "a long message gives Alembic's cut slug ($f2)" \
  test "$f2" = "src/${id2}_say_hi_and_a_message_long_enough_to_be_.c"
check "it revises the first, read from its source" grep -q "VHOST_REVISION(\"$id2\", \"$id1\"," "$W/$f2"
check "the unedited template compiles" build
cp "$W/out1" "$W/out"
check "the first compiles again" build
vh show "$id2"
check "show gives the message back exactly" grep -qF "$msg" "$W/out"
vh plugins
check "both plugins load (plugins exits $rc)" test "$rc" -eq 0
vh --dsn "dbname=$DB" upgrade head
check "upgrade head runs both (got $rc: $(cat "$W/err"))" test "$rc" -eq 0
check "the edited body ran" test "$(psql -X -A -t -d $DB -c "SELECT to_regclass('auth_authoring_s.widgets') IS NOT NULL")" = t
vh --dsn "dbname=$DB" current
check "current is the second revision" grep -q "^$id2" "$W/out"

# --- Ids ------------------------------------------------------------------
vh revision --rev-id a-b -m x
check "a bad --rev-id exits 2" test "$rc" -eq 2
check "with Alembic's message" grep -q "Character(s) '-' not allowed in revision identifier 'a-b'" "$W/err"
vh revision --rev-id "$id1" -m x
check "an existing id exits 2" test "$rc" -eq 2
check "saying where it is" grep -q "Revision '$id1' already exists" "$W/err"
vh revision
check "no -m: Alembic's empty message" grep -q '"empty message");' "$W/$(written)"
check "and the file <id>_.c" bash -c "[[ '$(written)' =~ ^src/[0-9a-f]{12}_\.c$ ]]"
rm -f "$W/$(written)"

# --- Branches and merges --------------------------------------------------
vh revision --rev-id feed_cafe_01 -m side --head "$id1"
check "--head on a non-head exits 1" test "$rc" -eq 1
check "asking for --splice" grep -q "Revision $id1 is not a head revision; please specify --splice to create a new branch from this revision" "$W/err"
vh revision --rev-id feed_cafe_01 -m side --head "${id1:0:6}" --splice
check "--splice branches from it (prefix accepted)" grep -q "VHOST_REVISION(\"feed_cafe_01\", \"$id1\"," "$W/$(written)"
check "the branch compiles" build
vh revision -m "one more"
check "two heads: revision exits 1" test "$rc" -eq 1
check "with Alembic's message" grep -qF "Multiple heads are present; please specify the head revision on which the new revision should be based, or perform a merge." "$W/err"
check "and writes nothing" test -z "$(ls "$W/src" | grep one_more)"
vh merge -m x "$id1" "$id2"
check "merging a non-head exits 1" bash -c "[ $rc -eq 1 ] && grep -q 'Revision $id1 is not a head revision' '$W/err'"
vh merge -m x "$id2"
check "merging one revision exits 1" bash -c "[ $rc -eq 1 ] && grep -q 'nothing to merge' '$W/err'"
vh merge -m x
check "merge without revisions exits 2" test "$rc" -eq 2
vh merge -m "join the branches" heads
fm=$(written); idm=$(id_of "$fm")
check "merge exits 0" test "$rc" -eq 0
check "the merge names both heads" grep -qE "VHOST_REVISION\(\"$idm\", \"($id2,feed_cafe_01|feed_cafe_01,$id2)\"," "$W/$fm"
check "the merge compiles" build
vh heads
check "one head again: the merge" test "$(cut -d' ' -f1 "$W/out")" = "$idm"
vh --dsn "dbname=$DB" upgrade head
check "upgrade head runs the branch and the merge ($(cat "$W/err"))" test "$rc" -eq 0
vh revision -m "after merge"
check "the next revision builds on the merge" grep -q "\"$idm\"," "$W/$(written)"
rm -f "$W/$(written)"
vh revision -m "another root" --head base
check "--head base starts a new root" grep -q "\", NULL," "$W/$(written)"
rm -f "$W/$(written)"

# --- Templates and places -------------------------------------------------
printf '/* ${mesage} */\n' >"$W/bad.in"
vh revision -m t --template bad.in
check "an unknown placeholder exits 2" bash -c "[ $rc -eq 2 ] && grep -qF 'template line 1: unknown placeholder \${mesage}' '$W/err'"
printf '/* project template: ${message_comment} */\n#include <vhost/sdk.h>\nVHOST_REVISION("${up_revision}", ${down_revision}, "${message}");\n${declarations}\nint upgrade(vh_ctx *ctx) { (void)ctx; return 0; }\nint downgrade(vh_ctx *ctx) { (void)ctx; return 0; }\n' >"$W/src/revision.c.in"
vh revision -m "from the project template"
check "source_dir/revision.c.in is the project's template" grep -q "project template: from the project template" "$W/$(written)"
check "and its output compiles" build
rm -f "$W/$(written)" "$W/src/revision.c.in"
vh revision -m elsewhere --source-dir other
check "--source-dir overrides source_dir" bash -c "[[ '$(written)' =~ ^other/[0-9a-f]{12}_elsewhere\.c$ ]] && [ -f '$W/$(written)' ]"
mkdir -p "$W/bare"
(cd "$W/bare" && "$VHOST_BIN" revision -m x) >/dev/null 2>"$W/err"; rc=$?
check "no source_dir at all exits 2 saying what to set" bash -c "[ $rc -eq 2 ] && grep -q 'set source_dir' '$W/err'"

echo "test_authoring: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
