#!/usr/bin/env bash
# test_workflow_env.sh - named environments and confirmation (issue 10).
#
#  1. -e NAME and $VHOST_ENV choose [env.NAME]'s connection; -e wins over the
#     variable; without either the [database] section applies.
#  2. "Environment: NAME" is the first line of every command that touches a
#     database, and absent from those that do not (history) or when no
#     environment is chosen.
#  3. An environment with confirm = true: upgrade, downgrade and stamp refuse
#     without --yes when stdin is not a terminal (nothing changed), run with
#     --yes; a dry run and a run with nothing to do never ask.
#  4. On a terminal (a pty from script(1)) the question is asked: "no"
#     cancels, "yes" goes ahead.
set -euo pipefail
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
vh_t_setup workflow_env

F=$VHOST_FIXTURE_DIR/linear
S=flow_env_s
DEF=flow_env_default_$$
STG=flow_env_staging_$$
PRD=flow_env_prod_$$
for db in "$DEF" "$STG" "$PRD"; do vh_t_createdb "$db"; done
INI=$VH_T_TMP/vhost.ini
cat >"$INI" <<EOF
[vhost]
plugin_dir = $F
schema = $S
[database]
dbname = $DEF
[env.staging]
dbname = $STG
[env.production]
dbname = $PRD
confirm = true
EOF
H1=3b8e1f0c9a21
H2=7c44d2a9e610
HEAD=e59b07d3c4f2

first_err() { head -n 1 "$VH_T_TMP/err"; }
has_err() { grep -q -- "$1" "$VH_T_TMP/err"; }

# ---- 1. choosing the environment ------------------------------------------------
vh_t_run -- -c "$INI" -e staging upgrade
vh_t_eq "-e staging: upgrade exits 0" 0 "$VH_T_RC"
vh_t_eq "-e staging: upgrade ran in the staging database" "$HEAD" "$(vh_t_versions "$STG" "$S")"
vh_t_eq "-e staging: the production database is untouched" "" "$(vh_t_versions "$PRD" "$S")"
vh_t_eq "-e staging: the default database is untouched" "" "$(vh_t_versions "$DEF" "$S")"
vh_t_eq "-e staging: 'Environment: staging' comes first" "Environment: staging" "$(first_err)"

vh_t_run VHOST_ENV=staging -- -c "$INI" current
vh_t_eq "VHOST_ENV=staging: current reads staging" "$HEAD (head)" "$(cat "$VH_T_TMP/out")"
vh_t_eq "VHOST_ENV=staging: announced" "Environment: staging" "$(first_err)"

vh_t_run VHOST_ENV=production -- -c "$INI" -e staging current
vh_t_eq "-e wins over VHOST_ENV" "Environment: staging" "$(first_err)"
vh_t_eq "-e wins over VHOST_ENV: staging's revision" "$HEAD (head)" "$(cat "$VH_T_TMP/out")"

vh_t_run -- -c "$INI" upgrade $H1
vh_t_eq "no environment: [database] applies" "$H1" "$(vh_t_versions "$DEF" "$S")"
vh_t_check "no environment: nothing announced" bash -c "! grep -q '^Environment:' '$VH_T_TMP/err'"

vh_t_run -- -c "$INI" -e nosuch current
vh_t_eq "unknown environment: exit 2" 2 "$VH_T_RC"
vh_t_check "unknown environment: named in the error" has_err "nosuch"

# ---- 2. announced by every command that connects, and only those ------------------
for cmd in "current" "check" "history -i" "upgrade --dry-run" "downgrade --dry-run -1" \
  "history --applied"; do
  # shellcheck disable=SC2086
  vh_t_run -- -c "$INI" -e staging $cmd
  vh_t_eq "'$cmd' starts with the environment" "Environment: staging" "$(first_err)"
done
vh_t_run -- -c "$INI" -e staging history
vh_t_eq "history (no database): exit 0" 0 "$VH_T_RC"
vh_t_check "history (no database): no environment line" \
  bash -c "! grep -q '^Environment:' '$VH_T_TMP/err'"

# ---- 3. confirmation without a terminal ----------------------------------------------
vh_t_run -- -c "$INI" -e production upgrade
vh_t_eq "production upgrade without --yes: exit 1" 1 "$VH_T_RC"
vh_t_check "production upgrade without --yes: says why and what to do" \
  has_err "environment 'production' requires confirmation to upgrade $S.*rerun with --yes"
vh_t_eq "production upgrade without --yes: nothing changed" "" "$(vh_t_versions "$PRD" "$S")"
vh_t_eq "production upgrade without --yes: environment still announced first" \
  "Environment: production" "$(first_err)"

vh_t_run -- -c "$INI" -e production upgrade --dry-run
vh_t_eq "production dry run needs no --yes" 0 "$VH_T_RC"
vh_t_eq "production dry run: nothing changed" "" "$(vh_t_versions "$PRD" "$S")"

vh_t_run -- -c "$INI" -e production upgrade --yes $H2
vh_t_eq "production upgrade --yes: exit 0" 0 "$VH_T_RC"
vh_t_eq "production upgrade --yes: applied" "$H2" "$(vh_t_versions "$PRD" "$S")"

vh_t_run -- -c "$INI" -e production upgrade -y $H2
vh_t_eq "production, nothing to do: no question, exit 0" 0 "$VH_T_RC"

vh_t_run -- -c "$INI" -e production downgrade -1
vh_t_eq "production downgrade without --yes: exit 1" 1 "$VH_T_RC"
vh_t_check "production downgrade without --yes: refused" \
  has_err "requires confirmation to downgrade"
vh_t_eq "production downgrade without --yes: nothing changed" "$H2" "$(vh_t_versions "$PRD" "$S")"

vh_t_run -- -c "$INI" -e production stamp $HEAD
vh_t_eq "production stamp without --yes: exit 1" 1 "$VH_T_RC"
vh_t_check "production stamp without --yes: refused" has_err "requires confirmation to stamp"
vh_t_eq "production stamp without --yes: nothing changed" "$H2" "$(vh_t_versions "$PRD" "$S")"

vh_t_run -- -c "$INI" -e production stamp --sql $HEAD
vh_t_eq "production stamp --sql (offline) needs no --yes" 0 "$VH_T_RC"

vh_t_run -- -c "$INI" -e production downgrade --yes -1
vh_t_eq "production downgrade --yes: applied" "$H1" "$(vh_t_versions "$PRD" "$S")"
vh_t_run -- -c "$INI" -e production stamp --yes $H2
vh_t_eq "production stamp --yes: applied" "$H2" "$(vh_t_versions "$PRD" "$S")"

vh_t_run -- -c "$INI" -e staging downgrade -1
vh_t_eq "staging (no confirm) downgrades without --yes" "$H2" "$(vh_t_versions "$STG" "$S")"

# ---- 4. confirmation on a terminal -----------------------------------------------------
# script(1) gives vhost a pty for stdin; what we feed it is typed there.
if command -v script >/dev/null 2>&1; then
  tty_run() { # tty_run ANSWER ARGS...: output of vhost on a pty in $VH_T_TMP/tty, status in TTY_RC
    local answer=$1 cmd
    shift
    cmd=$(printf '%q ' "$VHOST_BIN" "$@")
    TTY_RC=0
    printf '%s\n' "$answer" | script -qec "$cmd" /dev/null >"$VH_T_TMP/tty" 2>&1 || TTY_RC=$?
  }
  tty_run no -c "$INI" -e production upgrade
  vh_t_eq "tty, answer 'no': exit 1" 1 "$TTY_RC"
  vh_t_check "tty: the question shows the plan" grep -q "$H2 -> $HEAD, third table" "$VH_T_TMP/tty"
  vh_t_check "tty: asks" grep -q "requires confirmation. Continue? \[y/N\]" "$VH_T_TMP/tty"
  vh_t_check "tty, answer 'no': cancelled" grep -q "cancelled" "$VH_T_TMP/tty"
  vh_t_eq "tty, answer 'no': nothing changed" "$H2" "$(vh_t_versions "$PRD" "$S")"
  tty_run yes -c "$INI" -e production upgrade
  vh_t_eq "tty, answer 'yes': exit 0" 0 "$TTY_RC"
  vh_t_eq "tty, answer 'yes': applied" "$HEAD" "$(vh_t_versions "$PRD" "$S")"
else
  echo "# skipped: the terminal prompt (no script(1) on this machine)"
fi

vh_t_finish
