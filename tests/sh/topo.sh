# shellcheck shell=bash
# tests/sh/topo.sh - real production topologies for the test_topo_*.sh
# scripts: private PostgreSQL clusters, streaming standbys made with
# pg_basebackup -R, and Debian's pgbouncer, each under the test's temp dir
# with its socket there and no TCP port, on ports from VH_TOPO_PORT
# (default 55141) upwards, and stopped on every exit. Source after lib.sh's
# vh_t_setup; helpers are prefixed vh_topo_.

. "$VH_T_ROOT/scripts/lib/pg.sh"

VH_TOPO_PORT=${VH_TOPO_PORT:-55141}
VH_TOPO_DIRS=()
VH_TOPO_BOUNCERS=()

# Stops every server this test started (immediately: they are throwaway),
# then runs lib.sh's cleanup.
vh_topo_cleanup() {
  local d bindir
  bindir=$(vh_pg_bindir)
  for d in "${VH_TOPO_BOUNCERS[@]}"; do
    [ -f "$d/pgbouncer.pid" ] && kill "$(cat "$d/pgbouncer.pid")" 2>/dev/null || true
  done
  for d in "${VH_TOPO_DIRS[@]}"; do
    vh_pg_as_owner "$bindir/pg_ctl" -D "$d/data" -m immediate -w stop >/dev/null 2>&1 || true
  done
  vh_t_cleanup
}
trap vh_topo_cleanup EXIT

# vh_topo_dir NAME: a directory under the temp dir the postgres user owns.
vh_topo_dir() {
  local d=$VH_T_TMP/$1
  mkdir -p "$d"
  [ "$(id -u)" = 0 ] && chown postgres: "$d"
  echo "$d"
}

# vh_topo_pg_ctl DIR ARGS...: pg_ctl on the cluster in DIR/data.
vh_topo_pg_ctl() {
  local d=$1
  shift
  vh_pg_as_owner "$(vh_pg_bindir)/pg_ctl" -D "$d/data" "$@"
}

# vh_topo_start DIR PORT: starts the cluster in DIR/data on socket DIR
# (log DIR/server.log). The settings it was made with stay in its
# postgresql.auto.conf.
vh_topo_start() {
  local d=$1 port=$2
  VH_TOPO_DIRS+=("$d")
  vh_topo_pg_ctl "$d" -l "$d/server.log" -w -t 60 \
    -o "-k $d -p $port -c listen_addresses=''" start >/dev/null || {
    tail -n 20 "$d/server.log" >&2
    return 1
  }
}

# vh_topo_primary DIR PORT [SETTING=VALUE ...]: a new cluster in DIR,
# started, ready for standbys (trust, replication allowed on the socket).
vh_topo_primary() {
  local d=$1 port=$2 kv
  shift 2
  vh_pg_as_owner "$(vh_pg_bindir)/initdb" -D "$d/data" -U postgres -A trust --no-sync \
    -E UTF8 --locale=C.UTF-8 >"$d/initdb.log" 2>&1 || { cat "$d/initdb.log" >&2; return 1; }
  {
    echo "fsync = off"
    echo "full_page_writes = off"
    echo "max_connections = 100"
    echo "wal_level = replica"
    echo "max_wal_senders = 5"
    echo "hot_standby = on"
    for kv in "$@"; do echo "${kv%%=*} = '${kv#*=}'"; done
  } | vh_pg_as_owner tee -a "$d/data/postgresql.auto.conf" >/dev/null
  vh_topo_start "$d" "$port"
}

# vh_topo_standby FROM_DIR FROM_PORT DIR PORT NAME [SETTING=VALUE ...]: a
# streaming standby of the cluster at FROM_DIR:FROM_PORT, made with
# pg_basebackup -R (so its primary_conninfo carries application_name=NAME),
# with the settings given, started.
vh_topo_standby() {
  local from=$1 fport=$2 d=$3 port=$4 name=$5 kv
  shift 5
  vh_pg_as_owner rm -rf "$d/data"
  vh_pg_as_owner "$(vh_pg_bindir)/pg_basebackup" -d "host=$from port=$fport user=postgres application_name=$name" \
    -D "$d/data" -R -X stream -c fast >"$d/basebackup.log" 2>&1 || { cat "$d/basebackup.log" >&2; return 1; }
  for kv in "$@"; do echo "${kv%%=*} = '${kv#*=}'"; done |
    vh_pg_as_owner tee -a "$d/data/postgresql.auto.conf" >/dev/null
  vh_topo_start "$d" "$port"
}

# vh_topo_psql DIR PORT DB SQL...: psql on a topology server, each SQL
# argument a -c of its own (a transaction of its own).
vh_topo_psql() {
  local args=(-X -q -At -v ON_ERROR_STOP=1 -h "$1" -p "$2" -U postgres -d "$3") sql
  shift 3
  for sql in "$@"; do args+=(-c "$sql"); done
  psql "${args[@]}"
}

# vh_topo_set DIR PORT SETTING VALUE: ALTER SYSTEM and reload.
vh_topo_set() {
  vh_topo_psql "$1" "$2" postgres "ALTER SYSTEM SET $3 = '$4'" "SELECT pg_reload_conf()" >/dev/null
}

# vh_topo_bouncer DIR PORT TO_DIR TO_PORT POOL_SIZE: Debian's pgbouncer in
# transaction mode on socket DIR:PORT, in front of TO_DIR:TO_PORT, with
# POOL_SIZE server connections per database and user.
vh_topo_bouncer() {
  local d=$1 port=$2 to=$3 tport=$4 pool=$5
  cat >"$d/pgbouncer.ini" <<EOF
[databases]
* = host=$to port=$tport
[pgbouncer]
unix_socket_dir = $d
listen_port = $port
pool_mode = transaction
default_pool_size = $pool
max_client_conn = 200
auth_type = trust
auth_file = $d/users.txt
ignore_startup_parameters = extra_float_digits
logfile = $d/pgbouncer.log
pidfile = $d/pgbouncer.pid
EOF
  printf '"postgres" ""\n' >"$d/users.txt"
  [ "$(id -u)" = 0 ] && chown postgres: "$d/pgbouncer.ini" "$d/users.txt"
  VH_TOPO_BOUNCERS+=("$d")
  vh_pg_as_owner pgbouncer -d "$d/pgbouncer.ini" || return 1
  local _
  for _ in $(seq 1 100); do
    [ -S "$d/.s.PGSQL.$port" ] && return 0
    sleep 0.05
  done
  echo "pgbouncer did not start:" >&2
  cat "$d/pgbouncer.log" >&2
  return 1
}
