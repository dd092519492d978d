#!/usr/bin/env bash
# test_plugin_trust.sh - what vhost trusts before it loads a plugin, and the
# plugin metadata index (issues 21 and 16).
#
#  1. The rule follows symlinks to the real file: a symlink into a
#     world-writable directory, or into a tree whose directory two levels up
#     is group-writable, is refused, naming that directory, its owner and
#     mode and the chmod that fixes it; --insecure-plugins still gets past.
#     A symlinked release directory of ours is accepted (plugins -v shows
#     where each plugin really is), as is a private directory below the
#     sticky, root-owned /tmp; a sticky directory holding plugins is not.
#  2. The index: warm runs read it; a truncated or hand-edited index is
#     ignored and rewritten; an index owned by someone else, or in a place
#     others can write, is ignored even when it is well-formed.
#  3. The drift check catches a plugin rewritten with the same size and
#     mtime (its ctime changed), although the index had its old SHA-256.
#  4. `current` from the index: a new child plugin makes the current
#     revision stop being a head.
# (A path swapped between the check and dlopen() is tests/unit/test_loader.c's
# "open: a path swapped before dlopen".)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
vh_t_setup plugin_trust

F=$VHOST_FIXTURE_DIR/linear
T=$VH_T_TMP
me=$(id -un)
owner=$([ "$(id -u)" = 0 ] && echo root || echo "uid $(id -u) ($me)")

# plugin_dir $1 made of symlinks to the linear chain copied into $2.
linked() {
  mkdir -p "$1" "$2"
  cp "$F"/*.so "$2/"
  chmod 644 "$2"/*.so
  for f in "$2"/*.so; do ln -sf "$f" "$1/"; done
}

# ---- 1. trust follows symlinks ---------------------------------------------------------------
linked "$T/pd1" "$T/ww"
chmod 777 "$T/ww"
vh_t_run -- --plugin-dir "$T/pd1" history
vh_t_eq "a symlink into a world-writable directory is refused" 1 "$VH_T_RC"
vh_t_check "... naming that directory, owner, mode and the fix" grep -qF \
  "$T/ww: refusing to load $T/pd1/3b8e1f0c9a21_first.so from a directory that is world-writable (mode 0777), owned by $owner; fix with chmod go-w '$T/ww'" "$T/err"
vh_t_run -- --plugin-dir "$T/pd1" --insecure-plugins plugins -v
vh_t_check "--insecure-plugins still gets past, and plugins -v says it is not trusted" \
  grep -qF -- "-> $T/ww/3b8e1f0c9a21_first.so: NOT trusted" "$T/out"

mkdir -p "$T/g/b/c"
linked "$T/pd2" "$T/g/b/c"
chmod 775 "$T/g"
vh_t_run -- --plugin-dir "$T/pd2" history
vh_t_eq "a symlink into a tree whose directory two levels up is group-writable is refused" 1 "$VH_T_RC"
vh_t_check "... naming that directory" grep -qF \
  "$T/g: refusing to load $T/pd2/3b8e1f0c9a21_first.so from under a directory that is group-writable (mode 0775), owned by $owner; fix with chmod g-w '$T/g'" "$T/err"
chmod 755 "$T/g"
vh_t_run -- --plugin-dir "$T/pd2" history
vh_t_eq "... and accepted once fixed" 0 "$VH_T_RC"

mkdir -p "$T/app/releases/2026-12-06"
cp "$F"/*.so "$T/app/releases/2026-12-06/"
ln -s releases/2026-12-06 "$T/app/current"
vh_t_run -- --plugin-dir "$T/app/current" plugins -v
vh_t_eq "a symlinked release directory of ours is accepted" 0 "$VH_T_RC"
vh_t_check "... and plugins -v shows the resolved path and verdict" grep -qF \
  -- "-> $T/app/releases/2026-12-06/7c44d2a9e610_second.so: trusted" "$T/out"

vh_t_eq "the tests' temp dir is below the sticky, root-owned /tmp" "1777 0" "$(stat -c '%a %u' /tmp)"
mkdir -m 700 "$T/private"
cp "$F"/*.so "$T/private/"
vh_t_run -- --plugin-dir "$T/private" history
vh_t_eq "a private directory below the sticky /tmp is accepted" 0 "$VH_T_RC"
if [ "$(id -u)" = 0 ]; then
  mkdir -m 1777 "$T/sticky"
  cp "$F"/*.so "$T/sticky/"
  vh_t_run -- --plugin-dir "$T/sticky" history
  vh_t_check "a sticky directory holding the plugins is refused" \
    grep -qF "$T/sticky: refusing to load plugins from a directory that is world-writable (mode 1777)" "$T/err"
  mkdir -m 755 "$T/sticky/mine"
  cp "$F"/*.so "$T/sticky/mine/"
  vh_t_run -- --plugin-dir "$T/sticky/mine" history
  vh_t_eq "... but above a directory of ours it is fine" 0 "$VH_T_RC"
fi

# ---- 2. the index ---------------------------------------------------------------------------
P=$T/idx
mkdir "$P"
cp "$F"/*.so "$P/"
sleep 1.2 # entries changed in the last second are not kept (racy timestamps)
vh_t_run -- --plugin-dir "$P" plugins -v
vh_t_check "the first run writes the index in plugin_dir" grep -qF "Metadata index: $P/.vhost-index: ignored (none yet); written (3 of 3 entries)" "$T/out"
vh_t_run -- --plugin-dir "$P" plugins -v
vh_t_check "the next run reads every plugin's metadata from it, writing nothing" \
  grep -qxF "Metadata index: $P/.vhost-index: used (3 of 3 plugins from it)" "$T/out"
truncate -s 300 "$P/.vhost-index"
vh_t_run -- --plugin-dir "$P" plugins -v
vh_t_check "a truncated index is ignored and rewritten" \
  grep -qF "ignored (truncated); written (3 of 3 entries)" "$T/out"
sed -i 's/=second table/=second tablE/' "$P/.vhost-index"
vh_t_run -- --plugin-dir "$P" plugins -v
vh_t_check "a hand-edited index is ignored and rewritten" \
  grep -qF "ignored (checksum mismatch: damaged or edited); written (3 of 3 entries)" "$T/out"
vh_t_run -- --plugin-dir "$P" history
vh_t_check "... and what it said is not shown" grep -qF "second table" "$T/out"
# A well-formed lie: the checksum made to match. Only its owner could
# write one where it is read from, so ours is believed...
lie() {
  head -n -1 "$1" | sed 's/=second table/=FORGED/' >"$1.tmp"
  printf 'end\t3\t%s\n' "$(sha256sum "$1.tmp" | cut -c1-64)" >>"$1.tmp"
  mv "$1.tmp" "$1"
  chmod 644 "$1"
}
lie "$P/.vhost-index"
vh_t_run -- --plugin-dir "$P" history
vh_t_check "a consistent index of ours is believed (the rule is who may write it)" grep -qF FORGED "$T/out"
if [ "$(id -u)" = 0 ]; then
  lie "$P/.vhost-index"
  chown 65534 "$P/.vhost-index"
  vh_t_run -- --plugin-dir "$P" plugins -v
  vh_t_check "an index owned by another user is ignored" \
    grep -qF "$P/.vhost-index: ignored (owned by uid 65534, not by us (uid 0))" "$T/out"
  vh_t_run -- --plugin-dir "$P" history
  vh_t_check "... its content is not used, and it was replaced by ours" \
    test "$(grep -c FORGED "$T/out")" = 0 -a "$(stat -c %u "$P/.vhost-index")" = 0
fi
# plugin_dir others can write (only with --insecure-plugins): the index
# goes to the cache directory, which must pass the rule too.
W=$T/wwpd
mkdir -m 777 "$W"
cp "$F"/*.so "$W/"
cp "$P/.vhost-index" "$W/.vhost-index"
lie "$W/.vhost-index"
sed -i "s,^dir\t=[^\t]*,dir\t=$W," "$W/.vhost-index"
mkdir -m 777 "$T/wwcache"
vh_t_run XDG_CACHE_HOME="$T/wwcache" -- --plugin-dir "$W" --insecure-plugins plugins -v
vh_t_check "an index in a directory others can write is not read" \
  test "$(grep -c FORGED "$T/out")" = 0
vh_t_check "... nor kept in a cache directory others can write" \
  grep -qF "not kept: $T/wwcache: refusing to load the plugin index from under a directory that is world-writable" "$T/out"
mkdir -m 700 "$T/cache"
vh_t_run XDG_CACHE_HOME="$T/cache" -- --plugin-dir "$W" --insecure-plugins plugins -v
vh_t_check "... but in a private cache directory" grep -qF "$T/cache/vhost/plugin-index-" "$T/out"

# ---- 3. drift through the index -------------------------------------------------------------
db=rely_trust_$$
vh_t_createdb "$db"
D=$T/drift
mkdir "$D"
cp "$F"/*.so "$D/"
sleep 1.2
A=(--dsn "dbname=$db" --plugin-dir "$D" --schema rely_trust)
vh_t_run -- "${A[@]}" -q upgrade head
vh_t_eq "upgrade head" 0 "$VH_T_RC"
vh_t_run -- "${A[@]}" plugins -v
vh_t_check "the index learnt the SHA-256s the upgrade computed" \
  test "$(awk -F'\t' 'NR > 4 && length($11) == 64' "$D/.vhost-index" | wc -l)" = 3
f=$D/7c44d2a9e610_second.so
size=$(stat -c %s "$f")
mtime=$(stat -c %Y "$f")
off=$(grep -obUa "second table" "$f" | head -n 1 | cut -d: -f1)
printf 'S' | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
touch -d "@$mtime" "$f"
vh_t_eq "the plugin was rewritten with the same size and mtime" "$size $mtime" "$(stat -c '%s %Y' "$f")"
vh_t_run -- "${A[@]}" -q upgrade head
vh_t_eq "the drift check catches it (its ctime changed)" 1 "$VH_T_RC"
vh_t_check "... naming the revision" grep -qF "revision 7c44d2a9e610 was applied" "$T/err"

# ---- 4. current from the index ---------------------------------------------------------------
C=$T/cur
mkdir "$C"
cp "$F"/3b8e1f0c9a21_first.so "$F"/7c44d2a9e610_second.so "$C/"
sleep 1.2
B=(--dsn "dbname=$db" --plugin-dir "$C" --schema rely_cur)
vh_t_run -- "${B[@]}" -q upgrade head
vh_t_run -- "${B[@]}" current
vh_t_eq "current at head" "7c44d2a9e610 (head)" "$(cat "$T/out")"
cp "$F"/e59b07d3c4f2_third.so "$C/"
vh_t_run -- "${B[@]}" current
vh_t_eq "a new child plugin: current is no longer a head" "7c44d2a9e610" "$(cat "$T/out")"
vh_t_run -- "${B[@]}" current --check-heads
vh_t_eq "... and --check-heads says so" 1 "$VH_T_RC"

vh_t_finish
