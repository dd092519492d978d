# scripts/lib/deps.sh - installing the Debian packages vhost needs, once.
# Sourced by scripts/run and scripts/test. Only missing packages are
# installed; as a non-root user, sudo is used when it is there, and otherwise
# the missing list is printed so the user can install it.

# Packages for building vhost and running it against a private cluster.
VH_DEPS_BUILD="build-essential cmake pkg-config libpq-dev libinih-dev libssl-dev libcunit1-dev libpg-query-dev libprotobuf-c-dev postgresql-15 postgresql-client-15"
# Extra packages for the whole test suite: valgrind for the leak check,
# clang for the fuzz targets, Alembic and gnuplot for the quick benchmark,
# pgbouncer for the transaction-pooler tests (tests/sh/test_topo_pooler.sh),
# lintian for the .deb check in tests/sh/test_install.sh.
VH_DEPS_TEST="valgrind clang python3-alembic python3-psycopg2 gnuplot-nox time pgbouncer lintian"

vh_missing_packages() {
  local p missing=""
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
      missing="$missing $p"
  done
  echo "$missing"
}

# vh_install_deps PKG...: installs whichever of PKG are missing.
vh_install_deps() {
  local missing sudo=""
  missing=$(vh_missing_packages "$@")
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo -n"
    else
      echo "vhost: missing Debian packages:$missing" >&2
      echo "vhost: install them with: sudo apt-get install -y$missing" >&2
      return 1
    fi
  fi
  echo "Installing:$missing" >&2
  # Packages starting services must not try to start a cluster of their own
  # in containers without an init system; we run our own cluster anyway.
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >&2
  # shellcheck disable=SC2086
  $sudo apt-get install -y -qq --no-install-recommends $missing >&2
}
