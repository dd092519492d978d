#!/usr/bin/env bash
# test_badinput.sh - the bad-input catalogue: every way an operator or a
# build can hand vhost something wrong. Each case must give one clear
# FAILED line (matching what it is about), the right non-zero exit status,
# nothing on stdout, and leave the database exactly as it was (snapshot of
# every schema, table and row compared before and after; no lock left).
#
# Covered: garbage, empty, truncated and wrong-architecture .so files,
# non-files named *.so, a foreign library, missing symbols, ABI mismatch,
# duplicate ids, cycles, missing parents, ids too long or with forbidden
# characters, two heads on `upgrade head`, a database at an unknown
# revision, a version table of the wrong shape, bad ini files (malformed,
# over-long line, unknown key/section, bad values), bad revision specs, bad
# usage, bad DSNs, unreachable servers and databases, a wrong password (on a
# private cluster with scram-sha-256 over TCP; the password is never
# printed), plugin directories and files others can write to, and plugins
# that crash or call exit() in upgrade().
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
vh_t_setup badinput

F=$VHOST_FIXTURE_DIR
db=rely_bad_$$
vh_t_createdb "$db"
DSN="dbname=$db"
T=$VH_T_TMP

# ---- the database every case must leave alone -------------------------------------------
# rely_bi: the sleeper chain at revision 2, with a row of data;
# rely_br: the branched fixture set, stamped at base (tables exist, empty);
# rely_unk: a version table naming a revision no plugin provides;
# rely_shape: an "alembic_version" that is not ours;
# rely_cr: the crash chain at its base revision.
vh_t_run RELY_SLEEP_MS=0 -- --dsn "$DSN" --plugin-dir "$F/rely_sleep" --schema rely_bi -q upgrade 51ee90000002
vh_t_psql "$db" "INSERT INTO rely_bi.rely_t1 (id, note) VALUES (1, 'keep me')"
vh_t_run -- --dsn "$DSN" --plugin-dir "$F/branch" --schema rely_br -q stamp base
vh_t_run RELY_SLEEP_MS=0 -- --dsn "$DSN" --plugin-dir "$F/rely_sleep" --schema rely_unk -q upgrade 51ee90000001
vh_t_psql "$db" "UPDATE rely_unk.alembic_version SET version_num = 'deadbeef0000'"
vh_t_psql "$db" "CREATE SCHEMA rely_shape; CREATE TABLE rely_shape.alembic_version (id int, note text);
                 INSERT INTO rely_shape.alembic_version VALUES (1, 'not a version table')"
vh_t_run -- --dsn "$DSN" --plugin-dir "$F/rely_crash" --schema rely_cr -q upgrade c7a500000001
SNAP=$(vh_t_snapshot "$db")
vh_t_check "setup: the database holds what the cases must not touch" \
  grep -q "rely_bi.rely_t1 rows 1" <<<"$SNAP"

NCASES=0
# bad NAME STATUS REGEX [VAR=VALUE ...] ARGS...: runs vhost (environment
# words first) and checks the case. STATUS is 1, 2, or !0 (any failure,
# e.g. a signal). $SECRET, when set, must appear in no output; $ALLOW_USAGE=1
# lets the usage text follow the message; $CHECK_DB names the database to
# compare (default: the catalogue's, against $SNAP).
bad() {
  local name=$1 want=$2 regex=$3 why="" failed others
  shift 3
  local envs=()
  while [ $# -gt 0 ] && [[ $1 =~ ^[A-Z_]+= ]]; do
    envs+=("$1")
    shift
  done
  NCASES=$((NCASES + 1))
  vh_t_run "${envs[@]}" -- "$@"
  case $want in
    '!0') [ "$VH_T_RC" != 0 ] || why+=" exit 0;" ;;
    *) [ "$VH_T_RC" = "$want" ] || why+=" exit $VH_T_RC, want $want;" ;;
  esac
  failed=$(grep -c 'FAILED: ' "$T/err" || true)
  [ "$failed" = 1 ] || why+=" $failed FAILED lines;"
  grep -qE "FAILED: .*$regex" "$T/err" || why+=" message does not match /$regex/;"
  # One line: nothing but the message and progress lines (and usage text
  # when the case is a usage error that shows it).
  others=$(grep -vE '^(Running |Environment: |Waiting for |Got the migration lock)' "$T/err" |
    grep -v 'FAILED: ' || true)
  if [ -n "$others" ] && [ "${ALLOW_USAGE:-0}" != 1 ]; then
    why+=" more than one line of error: $(head -c 200 <<<"$others");"
  fi
  [ -s "$T/out" ] && why+=" printed on stdout;"
  if [ -n "${SECRET:-}" ] && grep -qF -- "$SECRET" "$T/out" "$T/err"; then
    why+=" THE PASSWORD WAS PRINTED;"
  fi
  local cdb=${CHECK_DB:-$db} csnap=${CHECK_SNAP:-$SNAP}
  vh_t_wait_idle "$cdb" 15 || why+=" sessions linger;"
  [ "$(vh_t_advisory_locks "$cdb")" = 0 ] || why+=" advisory lock left;"
  # $SNAP_IGNORE: snapshot lines a case may change (the history row it writes)
  if [ "$(vh_t_snapshot "$cdb" | grep -Ev "${SNAP_IGNORE:-^\$^}")" != "$(grep -Ev "${SNAP_IGNORE:-^\$^}" <<<"$csnap")" ]; then
    why+=" the database changed: $(diff <(echo "$csnap") <(vh_t_snapshot "$cdb") | grep '^[<>]' | cut -c1-160 | head -n 4 | tr '\n' ' ' || true);"
  fi
  if [ -z "$why" ]; then
    vh_t_ok "bad input: $name -> $(grep -o 'FAILED: .*' "$T/err" | head -n 1 | cut -c1-150)"
  else
    vh_t_fail "bad input: $name" "$why"
  fi
}

V=(--dsn "$DSN")

# ---- plugin files -----------------------------------------------------------------------
# pdir NAME: a fresh, trusted (0755) plugin directory.
pdir() {
  rm -rf "${T:?}/p_$1"
  mkdir -m 755 "$T/p_$1"
  echo "$T/p_$1"
}
GOOD=$F/linear/3b8e1f0c9a21_first.so
# patched NAME OFFSET BYTES: a copy of a good plugin with bytes overwritten.
patched() {
  local d
  d=$(pdir "$1")
  cp "$GOOD" "$d/x.so"
  chmod 644 "$d/x.so"
  printf "$3" | dd of="$d/x.so" bs=1 seek="$2" conv=notrunc status=none
  echo "$d"
}

d=$(pdir garbage); head -c 4096 /dev/urandom >"$d/g.so"; printf 'NOTELF' | dd of="$d/g.so" conv=notrunc status=none
bad "random bytes named .so" 1 "g.so: not a shared object \(bad ELF header\)" "${V[@]}" --plugin-dir "$d" upgrade head
d=$(pdir text); echo "this is a text file, not a plugin" >"$d/t.so"
bad "a text file named .so" 1 "t.so: not a shared object \(bad ELF header\)" "${V[@]}" --plugin-dir "$d" upgrade head
d=$(pdir empty); : >"$d/e.so"
bad "an empty .so" 1 "e.so: not a shared object" "${V[@]}" --plugin-dir "$d" upgrade head
d=$(pdir short); head -c 40 "$GOOD" >"$d/s.so"
bad "a .so cut inside its ELF header" 1 "s.so: truncated or corrupt ELF file" "${V[@]}" --plugin-dir "$d" upgrade head
d=$(pdir half); head -c $(($(stat -c %s "$GOOD") / 2)) "$GOOD" >"$d/h.so"
bad "a .so cut in half" 1 "h.so: truncated or corrupt ELF file" "${V[@]}" --plugin-dir "$d" upgrade head
d=$(patched aarch64 18 '\xb7\x00')
bad "an ELF for another architecture (aarch64)" 1 "ELF for another architecture \(EM_AARCH64\)" "${V[@]}" --plugin-dir "$d" upgrade head
d=$(patched elf32 4 '\x01')
bad "a 32-bit ELF" 1 "ELF for another architecture \(32-bit" "${V[@]}" --plugin-dir "$d" upgrade head
d=$(patched bigendian 5 '\x02')
bad "a big-endian ELF" 1 "ELF for another architecture \(big-endian" "${V[@]}" --plugin-dir "$d" upgrade head
d=$(patched objfile 16 '\x01\x00')
bad "an object file, not linked with -shared" 1 "not a shared object \(ELF type ET_REL" "${V[@]}" --plugin-dir "$d" upgrade head
d=$(pdir foreign); cp "$(readlink -f "$VHOST_BUILD_DIR/lib/libvhost_sdk.so")" "$d/libfoo.so"; chmod 644 "$d/libfoo.so"
bad "a foreign library (no revision in it)" 1 "libfoo.so: missing ABI descriptor" "${V[@]}" --plugin-dir "$d" upgrade head
d=$(pdir dirso); mkdir -m 755 "$d/dir.so"
bad "a directory named .so" 1 "dir.so: not a regular file" "${V[@]}" --plugin-dir "$d" upgrade head
d=$(pdir fifo); mkfifo -m 644 "$d/fifo.so"
bad "a FIFO named .so (must not hang)" 1 "fifo.so: not a regular file" "${V[@]}" --plugin-dir "$d" upgrade head
d=$(pdir loop); ln -s loop.so "$d/loop.so"
bad "a symlink loop named .so" 1 "loop.so: Too many levels of symbolic links" "${V[@]}" --plugin-dir "$d" upgrade head
bad "missing ABI descriptor" 1 "missing ABI descriptor vh_revision_abi_data \(built without VHOST_REVISION\?\)" \
  "${V[@]}" --plugin-dir "$F/bad_noabi" upgrade head
bad "missing upgrade()" 1 "missing upgrade\(\)" "${V[@]}" --plugin-dir "$F/bad_noupgrade" upgrade head
bad "ABI mismatch (built against ABI 99)" 1 "incompatible SDK ABI 99.0.*rebuild it" "${V[@]}" --plugin-dir "$F/bad_abi" upgrade head

# ---- the revision graph -------------------------------------------------------------------
bad "duplicate revision ids" 1 "Revision 'd00d5eed0001' is defined twice" "${V[@]}" --plugin-dir "$F/bad_dup" upgrade head
bad "a cycle" 1 "Cycle is detected in revisions \(cccc00000001, cccc00000002\)" "${V[@]}" --plugin-dir "$F/bad_cycle" upgrade head
bad "a missing parent" 1 "Can't locate revision identified by 'deadbeef0000' \(down_revision of 'f00df00df001'" \
  "${V[@]}" --plugin-dir "$F/bad_missing_parent" upgrade head
bad "an id too long for VARCHAR(32)" 1 "is 40 characters; the version table's VARCHAR\(32\) holds at most 32" \
  "${V[@]}" --plugin-dir "$F/bad_id_long" upgrade head
bad "an id with a forbidden character" 1 "Character\(s\) '-' not allowed in revision identifier 'a-b'" \
  "${V[@]}" --plugin-dir "$F/bad_id_chars" upgrade head
bad "two heads on upgrade head" 1 "Multiple head revisions are present for given argument 'head'" \
  "${V[@]}" --plugin-dir "$F/branch" --schema rely_br upgrade head

# ---- the database's state -----------------------------------------------------------------
bad "a database at an unknown revision (upgrade)" 1 "Can't locate revision identified by 'deadbeef0000'.*stamp --purge" \
  "${V[@]}" --plugin-dir "$F/rely_sleep" --schema rely_unk upgrade head
bad "a database at an unknown revision (current)" 1 "Can't locate revision identified by 'deadbeef0000'" \
  "${V[@]}" --plugin-dir "$F/rely_sleep" --schema rely_unk current
bad "a version table of the wrong shape (upgrade)" 1 "version table rely_shape.alembic_version has an unexpected shape \(columns: id integer, note text\)" \
  "${V[@]}" --plugin-dir "$F/rely_sleep" --schema rely_shape upgrade head
bad "a version table of the wrong shape (stamp)" 1 "unexpected shape" \
  "${V[@]}" --plugin-dir "$F/rely_sleep" --schema rely_shape stamp head

# ---- a database vhost has never touched stays that way ---------------------------------------
fresh=rely_bad_fresh_$$
vh_t_createdb "$fresh"
FRESH_SNAP=$(vh_t_snapshot "$fresh")
N=(--dsn "dbname=$fresh" --plugin-dir "$F/rely_sleep" --schema rely_new)
CHECK_DB=$fresh CHECK_SNAP=$FRESH_SNAP bad "a new database: an unknown target" 1 "Can't locate revision identified by 'abcdef12'" \
  "${N[@]}" upgrade abcdef12
CHECK_DB=$fresh CHECK_SNAP=$FRESH_SNAP bad "a new database: a relative step past head" 1 "didn't produce" \
  "${N[@]}" upgrade +7
CHECK_DB=$fresh CHECK_SNAP=$FRESH_SNAP bad "a new database: downgrade to a revision not applied" 1 "51ee90000001" \
  "${N[@]}" downgrade 51ee90000001
CHECK_DB=$fresh CHECK_SNAP=$FRESH_SNAP bad "a new database: stamp an ambiguous prefix" 1 "Multiple revisions start with '51ee'" \
  "${N[@]}" stamp 51ee
CHECK_DB=$fresh CHECK_SNAP=$FRESH_SNAP bad "a new database: two heads" 1 "Multiple head revisions" \
  --dsn "dbname=$fresh" --plugin-dir "$F/branch" --schema rely_new upgrade head

# ---- configuration files -------------------------------------------------------------------
ini() {
  printf "$2" >"$T/$1.ini"
  echo "$T/$1.ini"
}
bad "an ini line that is not key = value" 2 "bad-line.ini:2: malformed line" \
  -c "$(ini bad-line '[vhost]\nthis is not a setting\n')" "${V[@]}" --plugin-dir "$F/rely_sleep" upgrade head
bad "an over-long ini line" 2 "long.ini:2: line is 310 bytes.*longer than the" \
  -c "$(ini long "[vhost]\nschema = $(printf '%0300d' 0)\n")" "${V[@]}" --plugin-dir "$F/rely_sleep" upgrade head
bad "an unknown key" 2 "key.ini:2: unknown key 'plugins_dir' in section \[vhost\]" \
  -c "$(ini key '[vhost]\nplugins_dir = x\n')" "${V[@]}" --plugin-dir "$F/rely_sleep" upgrade head
bad "an unknown section" 2 "section.ini:1: unknown section \[vhosts\]" \
  -c "$(ini section '[vhosts]\n')" "${V[@]}" --plugin-dir "$F/rely_sleep" upgrade head
bad "a bad duration" 2 "bad value 'soon' for lock_timeout" \
  -c "$(ini dur '[vhost]\nlock_timeout = soon\n')" "${V[@]}" --plugin-dir "$F/rely_sleep" upgrade head
bad "a key outside any section" 2 "key 'schema' outside any section" \
  -c "$(ini nosect 'schema = x\n')" "${V[@]}" --plugin-dir "$F/rely_sleep" upgrade head
bad "an unknown environment" 2 "no environment 'prod'" \
  -c "$(ini env '[vhost]\n[env.staging]\nschema = s\n')" -e prod "${V[@]}" --plugin-dir "$F/rely_sleep" upgrade head
bad "a missing config file" 2 "/nonexistent/vhost.ini: cannot open config file" \
  -c /nonexistent/vhost.ini "${V[@]}" upgrade head
bad "a schema name over 63 bytes" 2 "bad value '.*' for schema \(expected a name of 1 to 63 bytes\)" \
  "${V[@]}" --plugin-dir "$F/rely_sleep" --schema "$(printf 's%.0s' $(seq 64))" upgrade head

# ---- revision specs and usage ----------------------------------------------------------------
S=("${V[@]}" --plugin-dir "$F/rely_sleep" --schema rely_bi)
bad "spec +x" 2 "Invalid revision spec '\+x': expected a number after '\+'" "${S[@]}" upgrade +x
bad "spec -0" 2 "Relative revision '-0' must be a non-zero number" "${S[@]}" downgrade -0
bad "spec head+99" 1 "Relative revision \+99 didn't produce 99 migrations" "${S[@]}" upgrade head+99
bad "an ambiguous prefix" 1 "Multiple revisions start with '51ee': '51ee90000001', '51ee90000002'" "${S[@]}" upgrade 51ee
bad "an unknown revision" 1 "Can't locate revision identified by 'abcdef12'" "${S[@]}" upgrade abcdef12
bad "an unknown branch label" 1 "No such branch: 'main' \(neither a branch label nor a revision\)" "${S[@]}" upgrade main@head
bad "a range online" 2 "Range revision not allowed" "${S[@]}" upgrade 51ee90000001:head
bad "an empty spec" 2 "Invalid revision spec ''" "${S[@]}" upgrade ""
bad "a spec over 128 characters" 2 "characters, at most 128" "${S[@]}" upgrade "$(printf 'a%.0s' $(seq 200))"
bad "heads+1" 2 "'heads' is not a single revision" "${S[@]}" upgrade heads+1
bad "downgrade to a revision not applied" 1 "51ee90000005" "${S[@]}" downgrade 51ee90000005
bad "downgrade without a spec" 2 "downgrade: a revision spec is required" "${S[@]}" downgrade
bad "two specs" 2 "one revision spec expected" "${S[@]}" upgrade head extra
bad "an unknown command" 2 "unknown command 'frobnicate'" "${S[@]}" frobnicate
bad "an unknown command option" 2 "upgrade: unknown option '--bogus'" "${S[@]}" upgrade --bogus
bad "an unknown global option" 2 "unknown global option '--bogus' \(see 'vhost --help'\)" --bogus current

# ---- connecting ------------------------------------------------------------------------------
P=(--plugin-dir "$F/rely_sleep")
bad "an unparsable DSN" 2 "--dsn: bad value for dsn: unterminated quoted string" --dsn "host='oops" "${P[@]}" upgrade head
SECRET=Pr1vate-Hunter2 bad "an unparsable DSN holding a password" 2 "message is withheld" \
  --dsn "postgresql://u:Pr1vate-Hunter2@h/db?nosuchparam=1" "${P[@]}" upgrade head
SECRET=Pr1vate-Hunter2 bad "a DSN with a bad port" 1 "cannot connect to postgresql://u:\*\*\*@127.0.0.1:notaport/db" \
  --dsn "postgresql://u:Pr1vate-Hunter2@127.0.0.1:notaport/db" "${P[@]}" upgrade head
SECRET=Pr1vate-Hunter2 bad "an unreachable server (TCP, refused)" 1 "cannot connect to .*password=\*\*\*.*Connection refused" \
  --dsn "host=127.0.0.1 port=9 connect_timeout=3 password=Pr1vate-Hunter2 dbname=x" "${P[@]}" upgrade head
bad "an unreachable server (no socket)" 1 "cannot connect to .*No such file or directory" \
  --dsn "host=$T/nosocket dbname=x" "${P[@]}" upgrade head
bad "a database that does not exist" 1 "database \"rely_no_such_db_$$\" does not exist" \
  --dsn "dbname=rely_no_such_db_$$" "${P[@]}" upgrade head

# ---- who may write the plugins ------------------------------------------------------------------
d=$(pdir ww); cp "$F"/linear/*.so "$d"; chmod 644 "$d"/*.so; chmod 777 "$d"
bad "a world-writable plugin directory" 1 "refusing to load plugins from a directory that is world-writable \(mode 0777\)" \
  "${V[@]}" --plugin-dir "$d" upgrade head
chmod 775 "$d"
bad "a group-writable plugin directory" 1 "refusing to load plugins from a directory that is group-writable" \
  "${V[@]}" --plugin-dir "$d" upgrade head
chmod 755 "$d"; chmod 666 "$d/7c44d2a9e610_second.so"
bad "a world-writable plugin" 1 "7c44d2a9e610_second.so: refusing to load a plugin that is world-writable" \
  "${V[@]}" --plugin-dir "$d" upgrade head
chmod 664 "$d/7c44d2a9e610_second.so"
bad "a group-writable plugin" 1 "refusing to load a plugin that is group-writable" "${V[@]}" --plugin-dir "$d" upgrade head
chmod 644 "$d/7c44d2a9e610_second.so"
if [ "$(id -u)" = 0 ]; then
  chown nobody "$d/7c44d2a9e610_second.so"
  bad "a plugin owned by another user" 1 "refusing to load a plugin owned by another user" \
    "${V[@]}" --plugin-dir "$d" upgrade head
  chown root "$d/7c44d2a9e610_second.so"
fi
ln -s "$d/7c44d2a9e610_second.so" "$(pdir link)/7c44d2a9e610_second.so"
chmod 666 "$d/7c44d2a9e610_second.so"
bad "a symlink to a world-writable plugin" 1 "refusing to load a plugin that is world-writable" \
  "${V[@]}" --plugin-dir "$T/p_link" upgrade head
bad "a missing plugin directory" 1 "plugin_dir $T/nowhere: No such file or directory" \
  "${V[@]}" --plugin-dir "$T/nowhere" upgrade head

# ---- plugins that take the host down ---------------------------------------------------------------
C=("${V[@]}" --plugin-dir "$F/rely_crash" --schema rely_cr)
bad "a plugin that segfaults in upgrade()" '!0' "revision c7a500000002 crashed \(Segmentation fault\) during upgrade\(\).*previous revision" \
  RELY_CRASH=segv "${C[@]}" upgrade head
bad "a plugin that aborts in upgrade()" '!0' "revision c7a500000002 crashed \(Aborted\) during upgrade\(\)" \
  RELY_CRASH=abort "${C[@]}" upgrade head
# exit() leaves a failed history row (issue 20), all else untouched
SNAP_IGNORE='^rely_cr.vhost_history rows' bad "a plugin that calls exit(0) in upgrade()" 1 "revision c7a500000002 called exit\(\) during upgrade\(\).*previous revision" \
  RELY_CRASH=exit RELY_EXIT_CODE=0 "${C[@]}" upgrade head
SNAP_IGNORE='^rely_cr.vhost_history rows' bad "a plugin that calls exit(3) in upgrade()" 1 "revision c7a500000002 called exit\(\) during upgrade\(\)" \
  RELY_CRASH=exit RELY_EXIT_CODE=3 "${C[@]}" upgrade head
vh_t_eq "each exit() left a failed row" 2 \
  "$(vh_t_psql "$db" "SELECT count(*) FROM rely_cr.vhost_history WHERE outcome = 'failed' AND error LIKE '%called exit()%'")"
SNAP=$(vh_t_snapshot "$db")
vh_t_run RELY_CRASH=none -- "${C[@]}" -q upgrade head
vh_t_eq "after the crashes, the fixed plugin applies" "0 c7a500000002" "$VH_T_RC $(vh_t_versions "$db" rely_cr)"

# ---- a wrong password, on a private cluster with scram-sha-256 over TCP --------------------------------
. "$VHOST_SOURCE_DIR/scripts/lib/pg.sh"
PGBASE=/tmp/vhrely-pw-$$
OLD_PG=("$PGHOST" "$PGPORT" "${PGUSER:-}" "${PGDATABASE:-}")
stop_private() {
  vh_pg_stop "$PGBASE"
  rm -rf "$PGBASE"
}
trap 'vh_t_cleanup; stop_private' EXIT
# A free TCP port on 127.0.0.1 (the socket is private anyway).
port=${VH_PW_PORT:-54334}
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
VH_PG_PORT=$port vh_pg_start "$PGBASE"
BINDIR=$(vh_pg_bindir)
printf 'local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n' >"$PGBASE/data/pg_hba.conf"
vh_pg_as_owner "$BINDIR/pg_ctl" -D "$PGBASE/data" -m fast -w stop >/dev/null
vh_pg_as_owner "$BINDIR/pg_ctl" -D "$PGBASE/data" -l "$PGBASE/server.log" -w -t 60 \
  -o "-k $PGBASE/run -p $port -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
psql -X -q -d postgres -c "SET password_encryption = 'scram-sha-256'; CREATE ROLE rely_pw LOGIN PASSWORD 'Right-Pa55word'" >/dev/null
psql -X -q -d postgres -c "CREATE DATABASE rely_pw OWNER rely_pw" >/dev/null
PWSNAP=$(vh_t_snapshot rely_pw)
export CHECK_DB=rely_pw CHECK_SNAP=$PWSNAP
W="127.0.0.1:$port/rely_pw"
SECRET=Wr0ng-Pa55word bad "a wrong password in a URI" 1 "cannot connect to postgresql://rely_pw:\*\*\*@$W: .*password authentication failed for user \"rely_pw\"" \
  --dsn "postgresql://rely_pw:Wr0ng-Pa55word@$W" "${P[@]}" upgrade head
SECRET=Wr0ng-Pa55word bad "a wrong password as password=" 1 "password=\*\*\*.*password authentication failed" \
  --dsn "host=127.0.0.1 port=$port user=rely_pw dbname=rely_pw password=Wr0ng-Pa55word" "${P[@]}" upgrade head
SECRET=Wr0ng-Pa55word bad "a wrong password as a URI parameter" 1 "password=\*\*\*.*password authentication failed" \
  --dsn "postgresql://rely_pw@$W?password=Wr0ng-Pa55word" "${P[@]}" upgrade head
SECRET=Wr0ng-Pa55word bad "a wrong password in VHOST_DATABASE_URL" 1 "rely_pw:\*\*\*@.*password authentication failed" \
  VHOST_DATABASE_URL="postgresql://rely_pw:Wr0ng-Pa55word@$W" "${P[@]}" upgrade head
SECRET=Wr0ng-Pa55word bad "a wrong password in the ini's [database]" 1 "password=\*\*\*.*password authentication failed" \
  -c "$(ini pw "[database]\nhost = 127.0.0.1\nport = $port\nuser = rely_pw\ndbname = rely_pw\npassword = Wr0ng-Pa55word\n")" "${P[@]}" upgrade head
SECRET=Wr0ng-Pa55word bad "a wrong password in PGPASSWORD" 1 "password authentication failed" \
  PGPASSWORD=Wr0ng-Pa55word --dsn "postgresql://rely_pw@$W" "${P[@]}" upgrade head
bad "no password at all" 1 "no password supplied" --dsn "postgresql://rely_pw@$W" "${P[@]}" upgrade head
unset CHECK_DB CHECK_SNAP
vh_t_run RELY_SLEEP_MS=0 -- --dsn "postgresql://rely_pw:Right-Pa55word@$W" "${P[@]}" -v upgrade head
vh_t_eq "the right password works (so the cases above failed for the password)" 0 "$VH_T_RC"
vh_t_check "... and even -v output never shows it" bash -c "! grep -q Right-Pa55word '$T/out' '$T/err'"
vh_t_psql postgres "DROP DATABASE rely_pw WITH (FORCE)" >/dev/null
stop_private
PGHOST=${OLD_PG[0]} PGPORT=${OLD_PG[1]} PGUSER=${OLD_PG[2]} PGDATABASE=${OLD_PG[3]}
trap vh_t_cleanup EXIT

echo "# the catalogue walked $NCASES cases"
vh_t_check "the catalogue walks at least 30 cases" test "$NCASES" -ge 30
vh_t_finish
