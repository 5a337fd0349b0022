#!/usr/bin/env bash
# The restore drill (docs/operations.md): prove a backup restores into a working portal.
#   deploy/restore_drill.sh SOURCE_DATABASE_URL [RESTORE_DB_NAME] [DUMP_FILE]
# 1. pg_dump -Fc the source (as the nightly backup does), unless DUMP_FILE already exists
#    (then the drill restores that file: last night's backup);
# 2. restore it into a fresh database RESTORE_DB_NAME on the same server (dropped first);
# 3. `manage.py check --database default` and `migrate --check` against the restored copy;
# 4. compare every table's row count between source and copy.
# Exits non-zero on any difference. CI runs it for real against the test database
# (tests/deploy/test_restore_drill.py). Needs pg_dump/pg_restore/psql of the server's major version.
set -euo pipefail
cd "$(dirname "$0")/.."
SOURCE_URL=${1:?usage: deploy/restore_drill.sh SOURCE_DATABASE_URL [RESTORE_DB_NAME] [DUMP_FILE]}
RESTORE_DB=${2:-portal_restore_drill}
DUMP=${3:-}
PYTHON=${PYTHON:-.venv/bin/python}
BASE_URL=${SOURCE_URL%/*}
RESTORE_URL="$BASE_URL/$RESTORE_DB"
ADMIN_URL="$BASE_URL/postgres"
workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT

if [ -z "$DUMP" ] || [ ! -s "$DUMP" ]; then
  DUMP=${DUMP:-$workdir/portal.dump}
  echo "== pg_dump -Fc (custom format) to $DUMP"
  pg_dump --format=custom --no-owner --no-privileges --file "$DUMP" "$SOURCE_URL"
fi
pg_restore --list "$DUMP" >/dev/null   # the archive is readable

echo "== fresh database $RESTORE_DB"
psql -q -v ON_ERROR_STOP=1 "$ADMIN_URL" -c "DROP DATABASE IF EXISTS \"$RESTORE_DB\" WITH (FORCE)"
psql -q -v ON_ERROR_STOP=1 "$ADMIN_URL" -c "CREATE DATABASE \"$RESTORE_DB\""

echo "== pg_restore"
pg_restore --no-owner --no-privileges --exit-on-error --dbname "$RESTORE_URL" "$DUMP"

echo "== manage.py check and migrate --check on the restored copy"
DATABASE_URL="$RESTORE_URL" "$PYTHON" manage.py check --database default
DATABASE_URL="$RESTORE_URL" "$PYTHON" manage.py migrate --check >/dev/null \
  || { echo "the restored database is missing migrations" >&2; exit 1; }

echo "== row counts, table by table"
count_sql="SELECT table_name || ' ' || (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
psql -qAt -v ON_ERROR_STOP=1 "$SOURCE_URL" -c "$count_sql" >"$workdir/source.counts"
psql -qAt -v ON_ERROR_STOP=1 "$RESTORE_URL" -c "$count_sql" >"$workdir/restored.counts"
if ! diff -u "$workdir/source.counts" "$workdir/restored.counts"; then
  echo "RESTORE DRILL FAILED: row counts differ (above)" >&2
  exit 1
fi
tables=$(wc -l <"$workdir/source.counts")
rows=$(awk '{s += $2} END {print s}' "$workdir/source.counts")
echo "RESTORE DRILL PASSED: $tables tables, $rows rows, identical counts in $RESTORE_DB"
