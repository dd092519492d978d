#!/usr/bin/env bash
# test_install.sh - the installed tree (`cmake --install --prefix P`): every
# file at its GNUInstallDirs place; the host finds its own libvhost_sdk
# through RUNPATH, also after the prefix is moved; the example project
# (sdk/examples/shop) builds against it with one CMake command and with cc
# and pkg-config, and its plugins load; the man page formats cleanly; and
# `cpack -G DEB` makes a .deb holding the same files.
set -u
# Plugins and their directories must not be group-writable for the loader.
umask 022
: "${VHOST_BUILD_DIR:?}" "${VHOST_SOURCE_DIR:?}"

pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() { local what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }

T=$(mktemp -d /tmp/vhost-install.XXXXXX)
trap 'rm -rf "$T"' EXIT
cache() { sed -n "s/^$1:[A-Z]*=//p" "$VHOST_BUILD_DIR/CMakeCache.txt"; }
LIB=$(cache CMAKE_INSTALL_LIBDIR); LIB=${LIB:-lib}
VERSION=$(sed -n 's/^CMAKE_PROJECT_VERSION:[A-Z]*=//p' "$VHOST_BUILD_DIR/CMakeCache.txt")

# --- The tree --------------------------------------------------------------
cmake --install "$VHOST_BUILD_DIR" --prefix "$T/p" >"$T/install.log" 2>&1
check "cmake --install succeeds ($(tail -3 "$T/install.log"))" test $? -eq 0
for f in bin/vhost "$LIB/libvhost_sdk.so" "$LIB/libvhost_sdk.so.1" include/vhost/sdk.h \
  "$LIB/pkgconfig/vhost-sdk.pc" "$LIB/cmake/vhost/vhostConfig.cmake" \
  "$LIB/cmake/vhost/vhostConfigVersion.cmake" "$LIB/cmake/vhost/vhostTargets.cmake" \
  "$LIB/cmake/vhost/vhostRevision.cmake" share/vhost/templates/revision.c.in \
  share/man/man1/vhost.1 share/doc/vhost/sdk.md share/doc/vhost/examples/vhost.ini \
  share/doc/vhost/examples/shop/CMakeLists.txt; do
  check "installed: $f" test -e "$T/p/$f"
done
check "the installed template is the source's" cmp -s "$T/p/share/vhost/templates/revision.c.in" \
  "$VHOST_SOURCE_DIR/sdk/templates/revision.c.in"
check "no private header is installed" test ! -e "$T/p/include/vhost/vh_sdk_host.h"
check "RUNPATH is \$ORIGIN/../$LIB" bash -c "readelf -d '$T/p/bin/vhost' | grep -q 'R.*PATH.*\[\$ORIGIN/../$LIB\]'"

# Moved elsewhere, the tree still works: the host through RUNPATH, the .pc
# through ${pcfiledir}, the CMake package through its relative prefix.
mv "$T/p" "$T/q"
P=$T/q
check "the moved host runs" env -u LD_LIBRARY_PATH "$P/bin/vhost" --version
check "it loads the SDK beside it" bash -c "env -u LD_LIBRARY_PATH ldd '$P/bin/vhost' | grep -q 'libvhost_sdk.so.1 => $P/bin/../$LIB/'"
export PKG_CONFIG_PATH=$P/$LIB/pkgconfig
check "pkg-config knows vhost-sdk $VERSION" test "$(pkg-config --modversion vhost-sdk)" = "$VERSION"
check "the installed header compiles alone with -pedantic" \
  bash -c "echo '#include <vhost/sdk.h>' | cc -std=c11 -pedantic -Werror -Wall -fsyntax-only \$(pkg-config --cflags vhost-sdk) -x c -"

# --- The example, with CMake (one command) ---------------------------------
cp -r "$VHOST_SOURCE_DIR/sdk/examples/shop" "$T/shop"
rm -rf "$T/shop/build"
(cd "$T/shop" && CMAKE_PREFIX_PATH=$P cmake --workflow --preset default) >"$T/cmake.log" 2>&1
check "the example builds with cmake --workflow ($(tail -5 "$T/cmake.log"))" test $? -eq 0
check "find_package found the moved SDK" grep -q "$P" "$T/shop/build/CMakeCache.txt"
check "two plugins" test "$(ls "$T/shop/build/plugins/"*.so 2>/dev/null | wc -l)" -eq 2
(cd "$T/shop" && "$P/bin/vhost" plugins) >"$T/plugins.out" 2>&1
check "they load ($(cat "$T/plugins.out"))" grep -q "2 revisions, graph OK" "$T/plugins.out"
(cd "$T/shop" && "$P/bin/vhost" upgrade --sql head) >"$T/shop.sql" 2>/dev/null
check "and render offline" grep -q "ADD COLUMN price_cents integer" "$T/shop.sql"
# find_package refuses an SDK older than asked for.
mkdir -p "$T/vcheck"
printf 'cmake_minimum_required(VERSION 3.18)\nproject(v LANGUAGES C)\nfind_package(vhost 99 REQUIRED)\n' \
  >"$T/vcheck/CMakeLists.txt"
check "find_package(vhost 99) fails" bash -c "! CMAKE_PREFIX_PATH='$P' cmake -S '$T/vcheck' -B '$T/vcheck/b' >/dev/null 2>&1"

# --- The example, with cc and pkg-config -----------------------------------
mkdir -p "$T/cc/plugins"
chmod 755 "$T/cc" "$T/cc/plugins"
for f in "$T/shop/revisions/"*.c; do
  cc -shared -fPIC -Wall -Wextra -Werror -o "$T/cc/plugins/$(basename "$f" .c).so" "$f" \
    $(pkg-config --cflags --libs vhost-sdk) 2>>"$T/cc.log"
  check "cc + pkg-config builds $(basename "$f") ($(cat "$T/cc.log"))" test $? -eq 0
done
"$P/bin/vhost" --plugin-dir "$T/cc/plugins" plugins >"$T/cc.out" 2>&1
check "those load too" grep -q "2 revisions, graph OK" "$T/cc.out"

# --- The man page -----------------------------------------------------------
groff -man -Tutf8 -ww -z "$P/share/man/man1/vhost.1" 2>"$T/groff.err"
check "the man page formats without warnings ($(cat "$T/groff.err"))" test ! -s "$T/groff.err"
for cmd in revision merge upgrade downgrade; do
  check "the man page documents $cmd" grep -q "^\.BR* \"*$cmd" "$P/share/man/man1/vhost.1"
done

# --- The .deb ----------------------------------------------------------------
if command -v dpkg-deb >/dev/null; then
  cpack -G DEB --config "$VHOST_BUILD_DIR/CPackConfig.cmake" -B "$T/pkg" >"$T/cpack.log" 2>&1
  check "cpack -G DEB succeeds ($(tail -3 "$T/cpack.log"))" test $? -eq 0
  deb=$(ls "$T/pkg/"*.deb 2>/dev/null | head -1)
  check "a .deb was made" test -n "$deb"
  dpkg-deb -c "$deb" >"$T/deb.list" 2>&1
  for f in usr/bin/vhost "usr/$LIB/libvhost_sdk.so.1" usr/include/vhost/sdk.h \
    "usr/$LIB/pkgconfig/vhost-sdk.pc" "usr/$LIB/cmake/vhost/vhostConfig.cmake" \
    usr/share/man/man1/vhost.1.gz usr/share/doc/vhost/sdk.md usr/share/vhost/templates/revision.c.in; do
    check "the .deb holds /$f" grep -q "\./$f\( \|$\)" "$T/deb.list"
  done
  check "it depends on libpq5" bash -c "dpkg-deb -f '$deb' Depends | grep -q libpq5"
  dpkg-deb -x "$deb" "$T/deb"
  check "the packaged host runs from where it is unpacked" env -u LD_LIBRARY_PATH "$T/deb/usr/bin/vhost" --version
  # issue 20: Debian's multiarch library directory, copyright, changelog,
  # a pkg-config file without ../ in its paths, and lintian clean of errors
  multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
  check "the .deb's library is in /usr/lib/$multiarch" grep -q "\./usr/lib/$multiarch/libvhost_sdk.so.1 " "$T/deb.list"
  check "the .deb has /usr/share/doc/vhost/copyright" test -s "$T/deb/usr/share/doc/vhost/copyright"
  check "the .deb has /usr/share/doc/vhost/changelog.gz" gzip -t "$T/deb/usr/share/doc/vhost/changelog.gz"
  pc=$(find "$T/deb" -name vhost-sdk.pc | head -1)
  check "the packaged vhost-sdk.pc says prefix=/usr" grep -qx "prefix=/usr" "$pc"
  check "  and its flags hold no ../ ($(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs vhost-sdk))" \
    bash -c "! PKG_CONFIG_PATH='$(dirname "$pc")' pkg-config --cflags --libs vhost-sdk | grep -q '\.\./'"
  if command -v lintian >/dev/null; then
    lintian --no-tag-display-limit "$deb" >"$T/lintian.log" 2>&1 || true
    check "lintian finds no errors ($(grep '^E:' "$T/lintian.log" | head -3 | tr '\n' ' '))" \
      bash -c "! grep -q '^E:' '$T/lintian.log'"
  else
    echo "test_install: lintian not installed; its check skipped" >&2
  fi
else
  echo "test_install: dpkg-deb not found; .deb checks skipped" >&2
fi

echo "test_install: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
