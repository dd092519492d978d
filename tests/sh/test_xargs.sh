#!/usr/bin/env bash
# tests/sh/test_xargs.sh - `-x KEY=VALUE` read by a revision through
# vh_xarg() and recorded in the history row; `--tag TEXT` on upgrade,
# downgrade and stamp recorded and shown by `history --applied`; a history
# table from before these columns gets them on the next run.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
vh_t_setup xargs

db=vh_xargs
vh_t_createdb "$db"
V=(--dsn "dbname=$db" --plugin-dir "$VHOST_FIXTURE_DIR/xargs" --schema public)

vh_t_run -- "${V[@]}" -x batch=500 -x "tenant=it's" -x batch=1000 upgrade --tag rel-42
vh_t_eq "upgrade with -x and --tag succeeds" 0 "$VH_T_RC"
vh_t_eq "the revision read -x through vh_xarg (the last batch wins; NULL when absent)" \
  "1000|it's|" "$(vh_t_psql "$db" "SELECT batch, tenant, coalesce(missing, '') FROM xarg_seen")"
vh_t_eq "the history row keeps the tag and the -x arguments" \
  "rel-42|1000|it's" "$(vh_t_psql "$db" "SELECT tag, x_args->>'batch', x_args->>'tenant' FROM vhost_history")"
vh_t_run -- "${V[@]}" history --applied
vh_t_check "history --applied shows the tag and -x" grep -q "tag:rel-42  -x {\"batch\": \"1000\"" "$VH_T_TMP/out"

vh_t_run -- "${V[@]}" downgrade base --tag rel-43
vh_t_run -- "${V[@]}" stamp 3c0000000001 --tag "hotfix 7"
vh_t_eq "downgrade and stamp record their tags; no -x is NULL" \
  "upgrade rel-42 true,downgrade rel-43 false,stamp hotfix 7 false" \
  "$(vh_t_psql "$db" "SELECT string_agg(direction || ' ' || tag || ' ' || (x_args IS NOT NULL), ',' ORDER BY id) FROM vhost_history")"

before=$(vh_t_snapshot "$db")
vh_t_run -- "${V[@]}" -x nokey downgrade base
vh_t_eq "-x without '=' is a usage error" "2 FAILED: -x 'nokey': expected KEY=VALUE" "$VH_T_RC $(vh_t_failed_lines)"
vh_t_eq "... and touches nothing" "$before" "$(vh_t_snapshot "$db")"

# A history table made before tag and x_args existed gets them.
vh_t_psql "$db" "ALTER TABLE vhost_history DROP COLUMN tag, DROP COLUMN x_args"
vh_t_run -- "${V[@]}" history --applied
vh_t_eq "history --applied reads an older table" 0 "$VH_T_RC"
vh_t_run -- "${V[@]}" -x a=b downgrade base --tag old-table
vh_t_eq "an older history table gains the columns and the row" "old-table|b" \
  "$(vh_t_psql "$db" "SELECT tag, x_args->>'a' FROM vhost_history WHERE tag IS NOT NULL")"

vh_t_finish
