#!/usr/bin/env bash
# tests/sh/test_init.sh - a team's first hour, from an installed prefix only
# (`cmake --install` into a temp dir; after that nothing of this repository
# or its build tree is used): `vhost init` writes a project, `vhost revision`
# a source in it, one build (CMake with find_package(vhost), or make with
# pkg-config for --template make) makes the plugin, and `vhost upgrade head`
# runs it. A second init into the same folder refuses, and list_templates
# names both layouts.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
vh_t_setup init
umask 022

cache() { sed -n "s/^$1:[A-Z]*=//p" "$VHOST_BUILD_DIR/CMakeCache.txt"; }
LIB=$(cache CMAKE_INSTALL_LIBDIR)
LIB=${LIB:-lib}
P=$VH_T_TMP/prefix
cmake --install "$VHOST_BUILD_DIR" --prefix "$P" >"$VH_T_TMP/install.log" 2>&1 ||
  { vh_t_fail "cmake --install" "$(tail -5 "$VH_T_TMP/install.log")"; vh_t_finish; }
# From here on: the prefix, the system, and nothing else.
VHOST_BIN=$P/bin/vhost
export PATH=$P/bin:/usr/bin:/bin
unset LD_LIBRARY_PATH VHOST_PLUGIN_DIR VHOST_FIXTURE_DIR
# shellcheck disable=SC2034
VHOST_SOURCE_DIR=/nonexistent VHOST_BUILD_DIR=/nonexistent

vh_t_run -- list_templates
vh_t_check "list_templates names the cmake and make layouts" \
  bash -c "grep -q '^cmake - ' '$VH_T_TMP/out' && grep -q '^make - ' '$VH_T_TMP/out'"

# run_in DIR CMD...: a command inside the project, with its output kept.
run_in() {
  local dir=$1
  shift
  (cd "$dir" && "$@") >"$VH_T_TMP/out" 2>"$VH_T_TMP/err"
}

first_hour() { # TEMPLATE BUILD-COMMAND...
  local tmpl=$1 proj=$VH_T_TMP/proj_$1 db=vh_init_$1
  shift
  vh_t_createdb "$db"
  vh_t_run -- init --template "$tmpl" "$proj"
  vh_t_eq "[$tmpl] init succeeds" 0 "$VH_T_RC"
  vh_t_check "[$tmpl] it wrote vhost.ini, revisions/ and a README" \
    test -f "$proj/vhost.ini" -a -d "$proj/revisions" -a -f "$proj/README.md"
  vh_t_check "[$tmpl] the project is named after its folder" grep -q "proj_$tmpl" "$proj/README.md"
  run_in "$proj" vhost revision -m "create users" --rev-id 0a1b2c3d4e5f
  vh_t_check "[$tmpl] vhost revision writes the source into revisions/" \
    test -f "$proj/revisions/0a1b2c3d4e5f_create_users.c"
  # The author fills in the bodies.
  sed -i -e '/^int upgrade/,/^}/{s/^\t(void)ctx;$/\treturn vh_exec(ctx, "CREATE TABLE users (id int PRIMARY KEY)");/;/^\treturn 0;$/d}' \
    -e '/^int downgrade/,/^}/{s/^\t(void)ctx;$/\treturn vh_exec(ctx, "DROP TABLE users");/;/^\treturn 0;$/d}' \
    "$proj/revisions/0a1b2c3d4e5f_create_users.c"
  if run_in "$proj" "$@"; then
    vh_t_ok "[$tmpl] one build: $*"
  else
    vh_t_fail "[$tmpl] one build: $*" "$(tail -5 "$VH_T_TMP/err")"
  fi
  vh_t_check "[$tmpl] ... makes the plugin" test -f "$proj/build/plugins/0a1b2c3d4e5f_create_users.so"
  PGDATABASE=$db run_in "$proj" vhost upgrade head || true
  vh_t_eq "[$tmpl] vhost upgrade head runs it" "0a1b2c3d4e5f" "$(vh_t_versions "$db" public)"
  vh_t_eq "[$tmpl] ... and the table is there" "users" \
    "$(vh_t_psql "$db" "SELECT relname FROM pg_class WHERE relname = 'users'")"
  # edit: the editor gets the revision's source, through the shell.
  VISUAL= EDITOR="sed -i '1s|^|/* edited */|'" run_in "$proj" vhost edit head || true
  vh_t_check "[$tmpl] edit head opens the source in \$EDITOR" \
    grep -q '^/\* edited \*/' "$proj/revisions/0a1b2c3d4e5f_create_users.c"
  vh_t_createdb "${db}_ev"
  PGDATABASE=${db}_ev run_in "$proj" vhost ensure_version || true
  vh_t_eq "[$tmpl] ensure_version creates an empty version table, runs nothing" "0|0" \
    "$(vh_t_psql "${db}_ev" "SELECT count(*), (SELECT count(*) FROM pg_class WHERE relname = 'users') FROM public.alembic_version")"
  vh_t_run -- init "$proj"
  vh_t_eq "[$tmpl] a second init into it refuses" \
    "1 FAILED: Directory $proj already exists and is not empty" "$VH_T_RC $(vh_t_failed_lines)"
}

first_hour cmake env CMAKE_PREFIX_PATH="$P" bash -c 'cmake -S . -B build && cmake --build build'
first_hour make env PKG_CONFIG_PATH="$P/$LIB/pkgconfig" make

vh_t_run -- init --template nosuch "$VH_T_TMP/other"
vh_t_eq "an unknown template is a usage error" "2 FAILED: No such template 'nosuch' (see 'vhost list_templates')" \
  "$VH_T_RC $(vh_t_failed_lines)"
vh_t_check "... and writes nothing" test ! -e "$VH_T_TMP/other"

vh_t_finish
