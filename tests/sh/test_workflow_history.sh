#!/usr/bin/env bash
# test_workflow_history.sh - `vhost history --format markdown`, the chain as
# documentation (issue 10): the exact text for tests/plugins/linear (with a
# revision description) and tests/plugins/merge, a range, the Vibesia chain
# oldest first, no database needed, and an unknown format refused.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
vh_t_setup workflow_history

F=$VHOST_FIXTURE_DIR
# No server: history must not try to connect.
NODB=(PGHOST=/nonexistent PGPORT=1)

vh_t_run "${NODB[@]}" -- --plugin-dir "$F/linear" history --format markdown
vh_t_eq "linear: exit 0 without a database" 0 "$VH_T_RC"
vh_t_eq "linear: the Markdown, oldest first, with the description indented" "$(cat <<'EOF'
# Revision history

- **`3b8e1f0c9a21`** (parent: `<base>`): first table

  The first of three linear revisions.
  Each one adds a table.

- **`7c44d2a9e610`** (parent: `3b8e1f0c9a21`): second table
- **`e59b07d3c4f2`** (parent: `7c44d2a9e610`): third table
EOF
)" "$(cat "$VH_T_TMP/out")"

vh_t_run "${NODB[@]}" -- --plugin-dir "$F/merge" history --format markdown
vh_t_eq "merge: both parents of the merge listed" "$(cat <<'EOF'
# Revision history

- **`2d7a9c0e5b13`** (parent: `<base>`): merge base
- **`64f1b8e2c0a9`** (parent: `2d7a9c0e5b13`): left branch
- **`9ac3e5d7f182`** (parent: `2d7a9c0e5b13`): right branch
- **`d03b6a4c8e57`** (parent: `64f1b8e2c0a9, 9ac3e5d7f182`): merge left and right
EOF
)" "$(cat "$VH_T_TMP/out")"

vh_t_run "${NODB[@]}" -- --plugin-dir "$F/linear" history --format markdown -r 7c44d2a9e610:
vh_t_eq "range: only START and after" "$(printf '%s\n' '# Revision history' '' \
  '- **`7c44d2a9e610`** (parent: `3b8e1f0c9a21`): second table' \
  '- **`e59b07d3c4f2`** (parent: `7c44d2a9e610`): third table')" "$(cat "$VH_T_TMP/out")"

vh_t_run "${NODB[@]}" -- --plugin-dir "$VHOST_PLUGIN_DIR" history --format markdown
vh_t_eq "vibesia: oldest first" \
  "1f0e2d3c4b5a 360b16ba22c2 2d12193b6184 3cfc87221979 ecf5acd6708d" \
  "$(sed -n 's/^- \*\*`\([0-9a-f]*\)`\*\*.*/\1/p' "$VH_T_TMP/out" | tr '\n' ' ' | sed 's/ $//')"
vh_t_check "vibesia: the message follows each id" \
  grep -q '^- \*\*`ecf5acd6708d`\*\* (parent: `3cfc87221979`): make password_changed_at nullable$' \
  "$VH_T_TMP/out"

vh_t_run "${NODB[@]}" -- --plugin-dir "$F/linear" history --format html
vh_t_eq "unknown format: usage error" 2 "$VH_T_RC"

vh_t_finish
