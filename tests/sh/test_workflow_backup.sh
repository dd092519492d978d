#!/usr/bin/env bash
# test_workflow_backup.sh - the backup hook (issue 10): an environment's
# backup_command runs before the first revision when there is something to
# do, with a timestamped file name, in the settings file's directory, with
# the migrated database's connection in PG* variables; a failing backup
# stops the run before any change; --no-backup skips it and says so; no
# backup when nothing is to be done or on a dry run; a downgrade backs up too.
set -euo pipefail
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
vh_t_setup workflow_backup

S=flow_bk_s
DB=flow_bk_$$
vh_t_createdb "$DB"
CONF=$VH_T_TMP/conf
mkdir -p "$CONF/backups"
INI=$CONF/vhost.ini
cat >"$INI" <<EOF
[vhost]
plugin_dir = $VHOST_FIXTURE_DIR/linear
schema = $S
[database]
dbname = $DB
[env.prod]
backup_command = echo "\$PGDATABASE \$VHOST_ENV \$VHOST_SCHEMA" > seen.txt && pg_dump -Fc -f backups/flow-%Y%m%d-%H%M%S.dump
[env.bad]
backup_command = echo partial output; exit 3
[env.killed]
backup_command = kill -TERM \$\$
[env.pct]
backup_command = printf '%%s\n' literal > pct.txt
EOF
H1=3b8e1f0c9a21 H2=7c44d2a9e610 H3=e59b07d3c4f2

err_has() { grep -q -- "$1" "$VH_T_TMP/err"; }
dumps() { find "$CONF/backups" -name '*.dump' | wc -l | tr -d ' '; }
# Line number of the first stderr line matching $1 (0 when none).
err_line() { grep -n -m1 -- "$1" "$VH_T_TMP/err" | cut -d: -f1 || echo 0; }

# ---- success --------------------------------------------------------------------
# Run from elsewhere, with the shell's PGDATABASE pointing at another
# database: the backup must still land next to the ini file and dump $DB.
cd /
vh_t_run PGDATABASE=postgres -- -c "$INI" -e prod upgrade $H1
vh_t_eq "backup ok: upgrade exits 0" 0 "$VH_T_RC"
vh_t_eq "backup ok: one dump written (in the ini file's directory)" 1 "$(dumps)"
vh_t_check "backup ok: timestamped name" \
  bash -c "ls '$CONF/backups' | grep -Eq '^flow-[0-9]{8}-[0-9]{6}\.dump$'"
vh_t_eq "backup ok: PG* variables name the migrated database; VHOST_ENV and VHOST_SCHEMA set" \
  "$DB prod $S" "$(cat "$CONF/seen.txt")"
vh_t_check "backup ok: says what it runs" err_has "^Backup: running echo .*pg_dump -Fc -f backups/flow-"
vh_t_check "backup ok: says it is done" err_has "^Backup done in [0-9]* ms"
BL=$(err_line "^Backup: running")
RL=$(err_line "^Running upgrade")
vh_t_check "backup ok: runs before the first revision ($BL < $RL)" test "$BL" -gt 0 -a "$BL" -lt "$RL"
vh_t_eq "backup ok: revision applied" "$H1" "$(vh_t_versions "$DB" "$S")"

sleep 1 # a new second, so the next dump gets a new name
vh_t_run -- -c "$INI" -e prod upgrade $H2
vh_t_eq "second backup: another dump" 2 "$(dumps)"
NEWEST=$(ls -t "$CONF"/backups/*.dump | head -n 1)
vh_t_check "second backup: a real dump of the database before the upgrade (has $H1's table)" \
  bash -c "pg_restore -l '$NEWEST' | grep -q 'TABLE $S t_$H1'"
vh_t_check "second backup: ... and not $H2's" \
  bash -c "! pg_restore -l '$NEWEST' | grep -q 't_$H2'"

# ---- nothing to do, dry run ----------------------------------------------------------
vh_t_run -- -c "$INI" -e prod upgrade $H2
vh_t_eq "nothing to do: exit 0" 0 "$VH_T_RC"
vh_t_eq "nothing to do: no backup" 2 "$(dumps)"
vh_t_check "nothing to do: no backup line" bash -c "! grep -q '^Backup' '$VH_T_TMP/err'"
vh_t_run -- -c "$INI" -e prod upgrade --dry-run
vh_t_eq "dry run: exit 0" 0 "$VH_T_RC"
vh_t_eq "dry run: no backup" 2 "$(dumps)"

# ---- failure ---------------------------------------------------------------------------
vh_t_run -- -c "$INI" -e bad upgrade
vh_t_eq "backup fails: exit 1" 1 "$VH_T_RC"
vh_t_check "backup fails: names the exit status and the way out" \
  err_has "FAILED: backup_command failed with exit status 3 .*nothing was changed.*--no-backup"
vh_t_check "backup fails: the command's output goes to stderr" err_has "^partial output"
vh_t_eq "backup fails: nothing on stdout" "" "$(cat "$VH_T_TMP/out")"
vh_t_check "backup fails: no revision ran" bash -c "! grep -q '^Running upgrade' '$VH_T_TMP/err'"
vh_t_eq "backup fails: database unchanged" "$H2" "$(vh_t_versions "$DB" "$S")"

vh_t_run -- -c "$INI" -e killed upgrade
vh_t_eq "backup killed: exit 1" 1 "$VH_T_RC"
vh_t_check "backup killed: names the signal" err_has "backup_command was killed by signal 15"
vh_t_eq "backup killed: database unchanged" "$H2" "$(vh_t_versions "$DB" "$S")"

# ---- skipped -----------------------------------------------------------------------------
vh_t_run -- -c "$INI" -e bad upgrade --no-backup
vh_t_eq "--no-backup: exit 0" 0 "$VH_T_RC"
vh_t_check "--no-backup: says so" err_has "^Backup skipped (--no-backup): backup_command not run"
vh_t_check "--no-backup: the command did not run" bash -c "! grep -q 'partial output' '$VH_T_TMP/err'"
vh_t_eq "--no-backup: upgrade applied" "$H3" "$(vh_t_versions "$DB" "$S")"

# ---- downgrade, and %% -------------------------------------------------------------------
sleep 1 # a new second for a new file name
vh_t_run -- -c "$INI" -e prod downgrade -1
vh_t_eq "downgrade: backs up too" 3 "$(dumps)"
vh_t_eq "downgrade: applied" "$H2" "$(vh_t_versions "$DB" "$S")"
vh_t_run -- -c "$INI" -e pct upgrade
vh_t_eq "%% is a literal %" "literal" "$(cat "$CONF/pct.txt")"

vh_t_finish
