# shellcheck shell=bash
# tests/sh/lib.sh - helpers shared by the tests/sh/test_*.sh scripts.
#
# Source it right after `set -euo pipefail`, then call vh_t_setup. The server
# is whatever libpq's PG* variables point at (scripts/test starts one); the
# binaries come from VHOST_BIN / VHOST_BUILD_DIR / VHOST_FIXTURE_DIR, which
# ctest sets (and which default sensibly when a script is run by hand with
# only VHOST_BIN set). Every helper is prefixed vh_t_; other test authors
# append their own below, with their own prefix.
#
# Results: vh_t_ok / vh_t_fail count checks; vh_t_finish prints the final
# "N passed, M failed" line and exits 1 when anything failed (or nothing ran).

# ---- setup and results ------------------------------------------------------

# Resolves the paths, makes a private temp dir ($VH_T_TMP) and arms the
# cleanup (databases made with vh_t_createdb are dropped, the temp dir is
# removed, background processes in VH_T_PIDS are killed). `name` is used in
# messages.
vh_t_setup() {
  VH_T_NAME=$1
  VH_T_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  VHOST_SOURCE_DIR=${VHOST_SOURCE_DIR:-$VH_T_ROOT}
  if [ -z "${VHOST_BIN:-}" ]; then
    VHOST_BIN=${VHOST_BUILD_DIR:-$VH_T_ROOT/build}/bin/vhost
  fi
  VHOST_BUILD_DIR=${VHOST_BUILD_DIR:-$(cd "$(dirname "$VHOST_BIN")/.." && pwd)}
  VHOST_FIXTURE_DIR=${VHOST_FIXTURE_DIR:-$VHOST_BUILD_DIR/tests/plugins}
  VHOST_PLUGIN_DIR=${VHOST_PLUGIN_DIR:-$VHOST_BUILD_DIR/plugins}
  export VHOST_BIN VHOST_SOURCE_DIR VHOST_BUILD_DIR VHOST_FIXTURE_DIR VHOST_PLUGIN_DIR
  if [ ! -x "$VHOST_BIN" ]; then
    echo "$VH_T_NAME: no vhost binary at $VHOST_BIN (build first, or set VHOST_BIN)" >&2
    exit 1
  fi
  # Only what the test passes explicitly may configure vhost.
  unset VHOST_CONFIG VHOST_ENV VHOST_DATABASE_URL PGSERVICE PGPASSWORD
  VH_T_PASS=0
  VH_T_FAIL=0
  VH_T_DBS=()
  VH_T_PIDS=()
  VH_T_TMP=$(mktemp -d "/tmp/vhost-sh-${VH_T_NAME}.XXXXXX")
  chmod 755 "$VH_T_TMP"
  trap vh_t_cleanup EXIT
}

# Kills leftover background processes, drops the test's databases (forcing
# out lingering sessions) and removes the temp dir. Runs on every exit.
vh_t_cleanup() {
  local pid db
  for pid in "${VH_T_PIDS[@]}"; do
    kill -9 "$pid" 2>/dev/null || true
  done
  for db in "${VH_T_DBS[@]}"; do
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
  [ -n "${VH_T_TMP:-}" ] && rm -rf "$VH_T_TMP"
  return 0
}

vh_t_ok() {
  VH_T_PASS=$((VH_T_PASS + 1))
  echo "ok - $1"
}

# vh_t_fail NAME [DETAIL]: records a failure; DETAIL (and the last vhost
# run's output, when VH_T_SHOW_RUN is set by vh_t_run) goes with it.
vh_t_fail() {
  VH_T_FAIL=$((VH_T_FAIL + 1))
  echo "not ok - $1${2:+: $2}"
  if [ -n "${VH_T_LAST_CMD:-}" ]; then
    echo "    last vhost run (context): $VH_T_LAST_CMD (exit $VH_T_RC)"
    sed 's/^/    stdout: /' "$VH_T_TMP/out" 2>/dev/null | head -n 15
    sed 's/^/    stderr: /' "$VH_T_TMP/err" 2>/dev/null | head -n 15
  fi
}

# vh_t_check NAME COMMAND...: ok when COMMAND succeeds.
vh_t_check() {
  local name=$1
  shift
  if "$@"; then vh_t_ok "$name"; else vh_t_fail "$name"; fi
}

# vh_t_eq NAME EXPECTED ACTUAL
vh_t_eq() {
  if [ "$2" = "$3" ]; then
    vh_t_ok "$1"
  else
    vh_t_fail "$1" "expected '$2', got '$3'"
  fi
}

# Prints the final line and exits: 0 only when something passed and nothing
# failed.
vh_t_finish() {
  echo "$VH_T_PASS passed, $VH_T_FAIL failed"
  [ "$VH_T_FAIL" = 0 ] && [ "$VH_T_PASS" -gt 0 ]
  exit $?
}

# ---- running vhost ------------------------------------------------------------

# vh_t_run [VAR=VALUE ...] -- ARGS...: runs vhost with ARGS (and the extra
# environment), stdout to $VH_T_TMP/out, stderr to $VH_T_TMP/err, exit
# status in $VH_T_RC. Never fails the script itself.
vh_t_run() {
  local envs=()
  while [ "$1" != "--" ]; do
    envs+=("$1")
    shift
  done
  shift
  VH_T_LAST_CMD="vhost $*"
  VH_T_RC=0
  # The outer 2>/dev/null only silences bash's own "Segmentation fault"
  # notice for the crash cases; vhost's stderr goes to the file.
  { env "${envs[@]}" "$VHOST_BIN" "$@" >"$VH_T_TMP/out" 2>"$VH_T_TMP/err" </dev/null || VH_T_RC=$?; } 2>/dev/null
}

# The FAILED lines of the last run's stderr (a message may follow a progress
# line that was cut short, so it is matched anywhere on the line).
vh_t_failed_lines() {
  grep -o 'FAILED: .*' "$VH_T_TMP/err" || true
}

# ---- the database ---------------------------------------------------------------

# psql on database $1 with the rest as SQL: unaligned, tuples only, stops on
# the first error.
vh_t_psql() {
  local db=$1
  shift
  psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -c "$*"
}

# Creates database $1 (dropping it first), remembered for the cleanup.
vh_t_createdb() {
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null
  psql -X -q -d postgres -c "CREATE DATABASE \"$1\"" >/dev/null
  VH_T_DBS+=("$1")
}

# A text snapshot of everything in database $1 a command could change:
# schemas, relations with their columns, constraints, indexes, and a hash of
# every user table's rows (the version and history tables included). Two
# snapshots are equal only when nothing was touched.
vh_t_snapshot() {
  psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" <<'SQL'
SELECT 'schema ' || nspname FROM pg_namespace
 WHERE nspname !~ '^pg_' AND nspname <> 'information_schema'
UNION ALL
SELECT format('rel %s.%s %s (%s)', n.nspname, c.relname, c.relkind,
       (SELECT string_agg(format('%s %s%s', a.attname, format_type(a.atttypid, a.atttypmod),
                                 CASE WHEN a.attnotnull THEN ' not null' ELSE '' END), ', '
                          ORDER BY a.attnum)
          FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped))
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
UNION ALL
SELECT format('constraint %s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
  FROM pg_constraint
 WHERE connamespace IN (SELECT oid FROM pg_namespace
                         WHERE nspname !~ '^pg_' AND nspname <> 'information_schema')
ORDER BY 1;
SELECT format('SELECT %L || '' rows '' || count(*) || '' '' || coalesce(md5(string_agg(t::text, ''|'' ORDER BY t::text)), '''') FROM %I.%I t',
              n.nspname || '.' || c.relname, n.nspname, c.relname)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
 ORDER BY n.nspname, c.relname
\gexec
SQL
}

# The objects of schema $2 in database $1 (tables, columns, constraints,
# indexes), without the schema's name and without vhost's own tables
# (version table $3, default alembic_version; history table vhost_history):
# what a revision's schema is, comparable across schemas.
vh_t_schema_snapshot() {
  local vt=${3:-alembic_version}
  psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -v s="$2" -v vt="$vt" <<'SQL'
SELECT format('rel %s %s (%s)', c.relname, c.relkind,
       (SELECT string_agg(format('%s %s%s', a.attname, format_type(a.atttypid, a.atttypmod),
                                 CASE WHEN a.attnotnull THEN ' not null' ELSE '' END), ', '
                          ORDER BY a.attnum)
          FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped))
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = :'s' AND c.relname NOT IN (:'vt', :'vt' || '_pkc', 'vhost_history',
       'vhost_history_pkey', 'vhost_history_id_seq')
UNION ALL
SELECT format('constraint %s %s %s', c.relname, k.conname, pg_get_constraintdef(k.oid))
  FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = :'s' AND c.relname NOT IN (:'vt', 'vhost_history')
UNION ALL
SELECT format('index %s %s', c.relname,
              replace(pg_get_indexdef(i.indexrelid), ' ON ' || quote_ident(:'s') || '.', ' ON '))
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = :'s' AND c.relname NOT IN (:'vt' || '_pkc', 'vhost_history_pkey')
ORDER BY 1;
SQL
}

# The rows of the version table of schema $2 in database $1 (sorted, one per
# line; nothing when the table does not exist yet).
vh_t_versions() {
  psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -v s="$2" <<'SQL'
SELECT CASE WHEN to_regclass(format('%I.alembic_version', :'s')) IS NULL
            THEN 'SELECT WHERE false'
            ELSE format('SELECT version_num FROM %I.alembic_version ORDER BY 1', :'s') END
\gexec
SQL
}

# Waits until no other session is connected to database $1 (a killed
# client's server process lingers until it notices), at most ${2:-15}
# seconds. Fails when some are still there.
vh_t_wait_idle() {
  local _ n
  for _ in $(seq 1 $((${2:-15} * 20))); do
    n=$(vh_t_psql "$1" "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
    [ "$n" = 0 ] && return 0
    sleep 0.05
  done
  return 1
}

# Number of advisory locks held or awaited in database $1.
vh_t_advisory_locks() {
  vh_t_psql "$1" "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
}

# Milliseconds since the epoch.
vh_t_now_ms() {
  date +%s%3N
}
