#!/usr/bin/env bash
# test_security.sh - what vhost promises about secrets, SQL it builds, the
# plugins it trusts and the tables it keeps.
#
#  1. Passwords are never printed: successful commands against a database
#     reached with a password in the URI or conninfo (masked as ***, as
#     Alembic does), nor stored in the history table. (Failed connections
#     with wrong passwords are in test_badinput.sh.)
#  2. Identifiers from configuration are quoted everywhere: a schema,
#     version table, version schema and history table with quotes, spaces,
#     semicolons and upper case work for every command, online and
#     offline; injection attempts in them only produce oddly named objects,
#     and in other settings they are rejected as bad values.
#  3. Revision ids are literals everywhere: a chain whose ids hold a quote
#     and a semicolon runs, including the non-transactional bookkeeping.
#  4. Plugin trust: no plugin code runs for metadata-only commands, nor
#     before the permission check passes; --insecure-plugins is the only
#     way past it.
#  5. The version and history tables are only ever created, never dropped.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
vh_t_setup security

F=$VHOST_FIXTURE_DIR
T=$VH_T_TMP
db=rely_sec_$$
vh_t_createdb "$db"
vh_t_psql "$db" "CREATE TABLE public.rely_victim (id int); INSERT INTO public.rely_victim VALUES (1)"
victim_ok() { [ "$(vh_t_psql "$db" "SELECT count(*) FROM public.rely_victim" 2>/dev/null)" = 1 ]; }

# ---- 1. passwords ------------------------------------------------------------------------
PW=S3cret-Rely-Pw0rd
enc_host=$(printf '%s' "$PGHOST" | sed 's,/,%2F,g')
DSNS=("postgresql://${PGUSER:-postgres}:$PW@$enc_host:${PGPORT:-5432}/$db"
      "host=$PGHOST port=${PGPORT:-5432} user=${PGUSER:-postgres} password=$PW dbname=$db")
n=0
for dsn in "${DSNS[@]}"; do
  n=$((n + 1))
  leaked=""
  A=(--dsn "$dsn" --plugin-dir "$F/linear" --schema "rely_pw$n")
  for cmd in "-v upgrade head" "current" "current -v" "current --json" "history -i" "check" \
             "-v downgrade -1" "stamp head" "history --applied"; do
    # shellcheck disable=SC2086
    vh_t_run -- "${A[@]}" $cmd
    if [ "$VH_T_RC" != 0 ]; then
      leaked+=" '$cmd' failed ($(vh_t_failed_lines));"
    elif grep -qF -- "$PW" "$T/out" "$T/err"; then
      leaked+=" '$cmd' printed it;"
    fi
  done
  vh_t_eq "password ($n): no command prints it" "" "$leaked"
  vh_t_run -- "${A[@]}" current -v
  vh_t_check "password ($n): current -v names the target with the password masked" \
    grep -qE "Current revision\(s\) for .*(:\*\*\*@|password=\*\*\*)" "$T/out"
  vh_t_eq "password ($n): the history table does not hold it" 0 \
    "$(vh_t_psql "$db" "SELECT count(*) FROM rely_pw$n.vhost_history h WHERE h::text LIKE '%$PW%'")"
done

# ---- 2. identifiers from configuration ------------------------------------------------------
# Each holds what would end or bend a statement if pasted in unquoted.
SCHEMA='Odd "Schema"; DROP TABLE public.rely_victim; --'
cat >"$T/odd.ini" <<'EOF'
[vhost]
version_table = Ver"sion Tbl'); DROP TABLE public.rely_victim;--
version_table_schema = VT "Schema"
history_table = hist');DROP TABLE public.rely_victim;--
EOF
O=(-c "$T/odd.ini" --dsn "dbname=$db" --plugin-dir "$F/linear" --schema "$SCHEMA")
fails=""
for cmd in "upgrade head" "current" "current -v" "history -i" "history --applied" "check" \
           "downgrade -1" "upgrade head" "stamp 7c44d2a9e610" "stamp head" "downgrade base" \
           "stamp --purge base" "upgrade head"; do
  # shellcheck disable=SC2086
  vh_t_run -- "${O[@]}" -q $cmd
  [ "$VH_T_RC" = 0 ] || fails+=" '$cmd': $(vh_t_failed_lines);"
done
vh_t_eq "odd identifiers: every command works" "" "$fails"
vh_t_check "odd identifiers: the injection attempts did nothing" victim_ok
q() { vh_t_psql "$db" "$@"; }
vh_t_eq "odd identifiers: the version table has exactly the configured name" "e59b07d3c4f2" \
  "$(q "SELECT version_num FROM \"VT \"\"Schema\"\"\".\"Ver\"\"sion Tbl'); DROP TABLE public.rely_victim;--\"")"
vh_t_eq "odd identifiers: its primary key is <table>_pkc" 1 \
  "$(q "SELECT count(*) FROM pg_constraint WHERE conname = 'Ver\"sion Tbl''); DROP TABLE public.rely_victim;--_pkc'")"
vh_t_eq "odd identifiers: the history table has exactly the configured name" 0 \
  "$(q "SELECT count(*) FROM \"VT \"\"Schema\"\"\".\"hist');DROP TABLE public.rely_victim;--\" WHERE outcome NOT IN ('applied', 'reverted', 'stamped')")"
vh_t_eq "odd identifiers: the revisions' tables went into the odd target schema (search_path quoted)" 3 \
  "$(q "SELECT count(*) FROM pg_tables WHERE schemaname = 'Odd \"Schema\"; DROP TABLE public.rely_victim; --'")"
# Offline: the script vhost prints must run as is, with the same names.
vh_t_run -- "${O[@]}" upgrade --sql head
vh_t_eq "odd identifiers: upgrade --sql renders" 0 "$VH_T_RC"
db2=rely_sec2_$$
vh_t_createdb "$db2"
vh_t_psql "$db2" "CREATE TABLE public.rely_victim (id int); INSERT INTO public.rely_victim VALUES (1);
                  CREATE SCHEMA \"Odd \"\"Schema\"\"; DROP TABLE public.rely_victim; --\";
                  CREATE SCHEMA \"VT \"\"Schema\"\"\""
run_script() {
  psql -X -q -v ON_ERROR_STOP=1 -d "$db2" -c "SET search_path TO \"Odd \"\"Schema\"\"; DROP TABLE public.rely_victim; --\"" \
    -f "$T/out" >/dev/null
}
vh_t_check "odd identifiers: the offline script runs in psql" run_script
vh_t_eq "odd identifiers: ... and leaves the same version row, victim intact" "e59b07d3c4f2 1" \
  "$(vh_t_psql "$db2" "SELECT version_num FROM \"VT \"\"Schema\"\"\".\"Ver\"\"sion Tbl'); DROP TABLE public.rely_victim;--\"") $(vh_t_psql "$db2" "SELECT count(*) FROM public.rely_victim")"
# Settings that are not names reject what is not their type.
for kv in "lock_timeout = 1; DROP TABLE public.rely_victim" "statement_timeout = 0); DROP TABLE public.rely_victim;--" \
          "lock_retries = 3 OR 1=1" "transaction_per_revision = true'; DROP TABLE public.rely_victim;--"; do
  printf '[vhost]\n%s\n' "$kv" >"$T/inj.ini"
  vh_t_run -- -c "$T/inj.ini" --dsn "dbname=$db" --plugin-dir "$F/linear" --schema rely_inj upgrade head
  vh_t_check "injection in '${kv%% =*}' is a bad value (exit 2), nothing ran" \
    test "$VH_T_RC" = 2 -a "$(vh_t_psql "$db" "SELECT to_regnamespace('rely_inj') IS NULL")" = t
done
vh_t_check "after all the attempts the victim table is intact" victim_ok
vh_t_run -- --dsn "dbname=$db" --plugin-dir "$F/linear" --schema "$(printf 'x%.0s' $(seq 63))" -q upgrade head
vh_t_eq "a 63-byte schema name (PostgreSQL's limit) works" 0 "$VH_T_RC"

# ---- 3. revision ids are literals --------------------------------------------------------
Q=(--dsn "dbname=$db" --plugin-dir "$F/rely_quote" --schema rely_quote)
vh_t_run -- "${Q[@]}" upgrade head
vh_t_eq "ids with a quote: upgrade through a non-transactional revision" "0 r'q;2" \
  "$VH_T_RC $(vh_t_versions "$db" rely_quote)"
[ "$VH_T_RC" = 0 ] || sed 's/^/    /' "$T/err"
vh_t_eq "ids with a quote: no revision left needing attention" 0 \
  "$(vh_t_psql "$db" "SELECT count(*) FROM rely_quote.vhost_history WHERE attention")"
vh_t_run -- "${Q[@]}" -q downgrade "r'q;1"
vh_t_eq "ids with a quote: downgrade by id" "0 r'q;1" "$VH_T_RC $(vh_t_versions "$db" rely_quote)"
vh_t_run -- "${Q[@]}" -q stamp "r'q;2"
vh_t_eq "ids with a quote: stamp by id" "0 r'q;2" "$VH_T_RC $(vh_t_versions "$db" rely_quote)"
vh_t_run -- "${Q[@]}" upgrade --sql head
vh_t_check "ids with a quote: the offline script quotes them" grep -qF "VALUES ('r''q;1')" "$T/out"

# ---- 4. plugin trust ------------------------------------------------------------------------
MARK=$T/ctor-mark
C=(--dsn "dbname=$db" --plugin-dir "$F/rely_ctor" --schema rely_ctor)
ran=""
for cmd in history heads branches plugins current check "show c70a00000001"; do
  rm -f "$MARK"
  # shellcheck disable=SC2086
  vh_t_run RELY_CTOR_MARK="$MARK" -- "${C[@]}" $cmd
  [ -e "$MARK" ] && ran+=" $cmd"
done
vh_t_eq "metadata-only commands never run plugin code (no dlopen)" "" "$ran"
ww=$T/ww
mkdir -m 755 "$ww"
cp "$F"/rely_ctor/*.so "$ww/"
chmod 777 "$ww"
rm -f "$MARK"
vh_t_run RELY_CTOR_MARK="$MARK" -- --dsn "dbname=$db" --plugin-dir "$ww" --schema rely_ctor upgrade head
vh_t_check "a world-writable plugin directory is refused before any plugin code runs" \
  test "$VH_T_RC" = 1 -a ! -e "$MARK"
chmod 755 "$ww"
chmod 646 "$ww"/*.so
vh_t_run RELY_CTOR_MARK="$MARK" -- --dsn "dbname=$db" --plugin-dir "$ww" --schema rely_ctor upgrade head
vh_t_check "a world-writable plugin is refused before any plugin code runs" test "$VH_T_RC" = 1 -a ! -e "$MARK"
vh_t_run RELY_CTOR_MARK="$MARK" -- --dsn "dbname=$db" --plugin-dir "$ww" --schema rely_ctor --insecure-plugins -q upgrade head
vh_t_check "--insecure-plugins is the way past the check (and the plugin then runs)" \
  test "$VH_T_RC" = 0 -a -e "$MARK"

# ---- 5. the version and history tables are never dropped -------------------------------------
tables_there() {
  [ "$(vh_t_psql "$db" "SELECT count(*) FROM pg_tables WHERE schemaname = '$1'
        AND tablename IN ('alembic_version', 'vhost_history')")" = 2 ]
}
K=(--dsn "dbname=$db" --plugin-dir "$F/linear" --schema rely_keep -q)
vh_t_run -- "${K[@]}" upgrade head
vh_t_run -- "${K[@]}" downgrade base
vh_t_check "downgrade to base keeps both tables" tables_there rely_keep
vh_t_eq "... with the version table empty and the history kept" "0 6" \
  "$(vh_t_psql "$db" "SELECT (SELECT count(*) FROM rely_keep.alembic_version), (SELECT count(*) FROM rely_keep.vhost_history)" | tr '|' ' ')"
vh_t_run -- "${K[@]}" stamp --purge base
vh_t_check "stamp --purge base keeps both tables" tables_there rely_keep
vh_t_run -- "${K[@]}" downgrade --sql e59b07d3c4f2:base
vh_t_check "the offline downgrade script to base drops no vhost table" \
  bash -c "grep -q 'DELETE FROM' '$T/out' && ! grep -qiE 'DROP TABLE[^;]*(alembic_version|vhost_history)' '$T/out'"
vh_t_check "the host's table code holds no DROP or TRUNCATE" \
  bash -c "! grep -nE '\\b(DROP|TRUNCATE)\\b' '$VHOST_SOURCE_DIR'/host/run/vh_tables.c '$VHOST_SOURCE_DIR'/host/run/vh_run.c '$VHOST_SOURCE_DIR'/host/run/vh_offline.c '$VHOST_SOURCE_DIR'/host/cli/cmd_stamp.c"

vh_t_finish
