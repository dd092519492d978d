#!/usr/bin/env bash
# tests/sh/test_labels.sh - branch labels and a dependency across branches
# (tests/plugins/labels: main 1a..01 -> 1a..02; shop 5b..01, which depends
# on 1a..02, -> 5b..02), checked against real Alembic (Debian's
# python3-alembic) on the same version table, in both directions: the same
# steps run by Alembic alone, by vhost alone, and alternating between the two
# (each tool picking up where the other left off), must leave the same
# version rows and tables after every step. Also: the graph commands print
# what Alembic prints, and the spec errors.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
vh_t_setup labels

PY=/usr/bin/python3
if ! $PY -c 'import alembic, psycopg2' 2>/dev/null; then
  echo "labels: Debian's python3-alembic and python3-psycopg2 are needed (scripts/lib/deps.sh)" >&2
  exit 1
fi
PLUG=$VHOST_FIXTURE_DIR/labels

# ---- the same revisions as an Alembic project ------------------------------
A=$VH_T_TMP/alembic
mkdir -p "$A/versions"
cat >"$VH_T_TMP/alembic.ini" <<'INI'
[alembic]
script_location = %(here)s/alembic
INI
cat >"$A/env.py" <<'PY'
import os
from alembic import context
from sqlalchemy import create_engine, pool

engine = create_engine("postgresql+psycopg2://", poolclass=pool.NullPool,
                       connect_args={"dbname": os.environ["VH_ALEMBIC_DB"]})
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None,
                      transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
PY
# Each fixture source becomes a migration with the same id, parents, label,
# dependency, message and SQL.
for src in "$VHOST_SOURCE_DIR"/tests/plugins/labels/*.c; do
  $PY - "$src" "$A/versions" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rid, down, msg = re.search(r'VHOST_REVISION\("(\w+)", (NULL|"\w+"), "([^"]*)"\)', text).groups()
label = re.search(r'VHOST_BRANCH_LABELS\("(\w+)"\)', text)
dep = re.search(r'VHOST_DEPENDS_ON\("(\w+)"\)', text)
up, dn = re.findall(r'vh_exec\(ctx, "([^"]*)"\)', text)
out = open("%s/%s.py" % (sys.argv[2], rid), "w")
out.write('"""%s"""\nfrom alembic import op\n' % msg)
out.write("revision = %r\ndown_revision = %s\n" % (rid, "None" if down == "NULL" else down))
out.write("branch_labels = %s\n" % ("(%r,)" % label.group(1) if label else "None"))
out.write("depends_on = %s\n" % (repr(dep.group(1)) if dep else "None"))
out.write("def upgrade():\n    op.execute(%r)\n" % up)
out.write("def downgrade():\n    op.execute(%r)\n" % dn)
PY
done

alembic() { # DB ARGS...
  local db=$1
  shift
  VH_ALEMBIC_DB=$db $PY -m alembic -c "$VH_T_TMP/alembic.ini" "$@"
}
vhost() { # DB ARGS...
  local db=$1
  shift
  "$VHOST_BIN" -q --dsn "dbname=$db" --plugin-dir "$PLUG" --schema public "$@"
}
# What a step leaves: the version rows and the user tables with their columns.
state() {
  vh_t_psql "$1" "SELECT coalesce(string_agg(version_num, ',' ORDER BY version_num), '')
                    FROM alembic_version" 2>/dev/null || echo "(no version table)"
  vh_t_psql "$1" "SELECT table_name || '(' || string_agg(column_name, ',' ORDER BY column_name) || ')'
                    FROM information_schema.columns
                   WHERE table_schema = 'public' AND table_name NOT IN ('alembic_version', 'vhost_history')
                   GROUP BY table_name ORDER BY 1"
}

# ---- the graph, printed as Alembic prints it --------------------------------
for cmd in heads history branches "show 5b0000000001" "history -r main@base:main@head" "heads --verbose"; do
  # shellcheck disable=SC2086
  want=$(VH_ALEMBIC_DB=postgres alembic postgres $cmd 2>&1 | sed 's|^Path: .*|Path:|')
  # shellcheck disable=SC2086
  got=$("$VHOST_BIN" --plugin-dir "$PLUG" $cmd 2>&1 | sed 's|^Path: .*|Path:|')
  vh_t_eq "'$cmd' prints what Alembic prints" "$want" "$got"
done

# ---- the same steps by each tool, and alternating ---------------------------
steps=("upgrade main@head" "upgrade shop@+1" "upgrade heads" "downgrade shop@base"
       "downgrade main@-1" "upgrade shop@head" "downgrade shop@-1" "upgrade heads" "downgrade base")
for db in lab_alembic lab_vhost lab_ab lab_ba; do
  vh_t_createdb "$db"
done
i=0
for step in "${steps[@]}"; do
  # shellcheck disable=SC2086
  {
    alembic lab_alembic $step
    vhost lab_vhost $step
    if [ $((i % 2)) = 0 ]; then alembic lab_ab $step; vhost lab_ba $step
    else vhost lab_ab $step; alembic lab_ba $step; fi
  } >"$VH_T_TMP/step.log" 2>&1 || { vh_t_fail "step '$step' ran" "$(cat "$VH_T_TMP/step.log")"; break; }
  ref=$(state lab_alembic)
  vh_t_eq "'$step': vhost alone leaves what Alembic leaves ($(echo "$ref" | head -1))" "$ref" "$(state lab_vhost)"
  vh_t_eq "'$step': Alembic then vhost in turn, same state" "$ref" "$(state lab_ab)"
  vh_t_eq "'$step': vhost then Alembic in turn, same state" "$ref" "$(state lab_ba)"
  i=$((i + 1))
done

# ---- dependencies first, and the specs -----------------------------------
vh_t_createdb lab_dep
vh_t_run -- -q --dsn dbname=lab_dep --plugin-dir "$PLUG" --schema public upgrade shop@+1
vh_t_eq "upgrade shop@+1 on an empty database applies main's revisions first" \
  "5b0000000001" "$(vh_t_versions lab_dep public | paste -sd,)"
vh_t_check "... in order: 1a..01, 1a..02, then 5b..01" \
  test "$(vh_t_psql lab_dep "SELECT string_agg(revision, ',' ORDER BY id) FROM vhost_history WHERE direction = 'upgrade'")" \
  = "1a0000000001,1a0000000002,5b0000000001"
vh_t_run -- --plugin-dir "$PLUG" upgrade head --sql
vh_t_check "'head' with two heads is refused, naming label@head" grep -q "'<branchname>@head'" "$VH_T_TMP/err"
vh_t_run -- --plugin-dir "$PLUG" upgrade nosuch@head --sql
vh_t_eq "an unknown branch is named" "FAILED: No such branch: 'nosuch' (neither a branch label nor a revision)" \
  "$(vh_t_failed_lines)"
vh_t_run -- --plugin-dir "$PLUG" upgrade shop@head --sql
vh_t_check "upgrade shop@head --sql renders main's revisions before shop's" \
  test "$(grep -o "Running upgrade [^ ]* -> [0-9a-f]*" "$VH_T_TMP/out" | awk '{print $NF}' | paste -sd,)" \
  = "1a0000000001,1a0000000002,5b0000000001,5b0000000002"

# ---- revision --head label@head, --branch-label, --depends-on -----------------
S=$VH_T_TMP/src
mkdir -p "$S"
cp "$VHOST_SOURCE_DIR"/tests/plugins/labels/*.c "$S/"
vh_t_run -- --plugin-dir "$PLUG" revision --source-dir "$S" -m "shop: refunds" --head shop@head --rev-id 5b0000000003
vh_t_check "revision --head shop@head builds on shop's head" \
  grep -q 'VHOST_REVISION("5b0000000003", "5b0000000002"' "$S"/5b0000000003_*.c
vh_t_run -- --plugin-dir "$PLUG" revision --source-dir "$S" -m "billing" --head base \
  --branch-label billing --depends-on 5b00000000 --rev-id 7c0000000001
vh_t_run -- --plugin-dir "$PLUG" revision --source-dir "$S" -m "billing" --head base \
  --branch-label billing --depends-on 5b0000000003 --rev-id 7c0000000001
vh_t_check "--branch-label and --depends-on write the declarations" \
  grep -qz 'VHOST_BRANCH_LABELS("billing");.VHOST_DEPENDS_ON("5b0000000003");' "$S"/7c0000000001_*.c
vh_t_run -- --plugin-dir "$PLUG" revision --source-dir "$S" -m x --head base --branch-label shop
vh_t_eq "a label already used is refused" "FAILED: --branch-label: branch name 'shop' is already used" \
  "$(vh_t_failed_lines)"

vh_t_finish
