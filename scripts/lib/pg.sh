# scripts/lib/pg.sh - start and stop a private PostgreSQL cluster.
# Sourced by scripts/run, scripts/test and tests. PostgreSQL refuses to run as
# root, so as root the server runs as the `postgres` user; otherwise as the
# caller. The socket lives in the data directory's parent, so nothing else on
# the machine is touched and no TCP port is opened.

vh_pg_bindir() {
  local d
  for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  echo "vhost: no PostgreSQL server found (install postgresql-15)" >&2
  return 1
}

# Runs a command as the cluster's owner.
vh_pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# vh_pg_start BASE: initialises (once) and starts a cluster in BASE/data with
# its socket in BASE/run, then exports PGHOST, PGPORT, PGUSER, PGDATABASE.
vh_pg_start() {
  local base=$1 bindir port=${VH_PG_PORT:-54329}
  bindir=$(vh_pg_bindir) || return 1
  mkdir -p "$base/run"
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$base" "$base/run"
    chmod 755 "$base"
  fi
  if [ ! -f "$base/data/PG_VERSION" ]; then
    vh_pg_as_owner "$bindir/initdb" -D "$base/data" -U postgres -A trust \
      --no-sync -E UTF8 --locale=C.UTF-8 >"$base/initdb.log" 2>&1 || {
      cat "$base/initdb.log" >&2; return 1; }
  fi
  if ! vh_pg_as_owner "$bindir/pg_ctl" -D "$base/data" status >/dev/null 2>&1; then
    vh_pg_as_owner "$bindir/pg_ctl" -D "$base/data" -l "$base/server.log" -w -t 60 \
      -o "-k $base/run -p $port -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null || { tail -n 20 "$base/server.log" >&2; return 1; }
  fi
  export PGHOST="$base/run" PGPORT="$port" PGUSER=postgres PGDATABASE=postgres
}

# vh_pg_stop BASE: fast shutdown; quiet when not running.
vh_pg_stop() {
  local base=$1 bindir
  bindir=$(vh_pg_bindir) || return 0
  [ -f "$base/data/PG_VERSION" ] || return 0
  vh_pg_as_owner "$bindir/pg_ctl" -D "$base/data" -m fast -w stop >/dev/null 2>&1 || true
}
