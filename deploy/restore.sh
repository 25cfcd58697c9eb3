#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into an empty database and a media folder.
#   deploy/restore.sh BACKUP (a jiangxin-YYYYmmdd-HHMMSS folder)
# reads DATABASE_URL (the database to fill: create it first, empty) and DJANGO_MEDIA_ROOT,
# then checks every table's row count against the backup's and says so.
set -euo pipefail
backup="${1:?usage: restore.sh BACKUP_FOLDER}"
: "${DATABASE_URL:?DATABASE_URL is not set}"
media="${DJANGO_MEDIA_ROOT:?DJANGO_MEDIA_ROOT is not set}"
[ -f "$backup/database.dump" ] || { echo "no database.dump in $backup" >&2; exit 2; }
tables=$(psql --dbname="$DATABASE_URL" -Atc \
    "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
if [ "$tables" != "0" ]; then
    echo "the database of DATABASE_URL is not empty ($tables tables): restore into a new one" >&2
    exit 2
fi
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$backup/database.dump"
mkdir -p "$media"
tar -C "$media" -xzf "$backup/media.tar.gz"
psql --dbname="$DATABASE_URL" -Atc "
  SELECT table_name || ' ' || (xpath('/row/c/text()',
         query_to_xml(format('SELECT count(*) AS c FROM %I', table_name), false, true, '')))[1]::text
  FROM information_schema.tables
  WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name" > "$backup/counts.restored.txt"
if ! diff -u "$backup/counts.txt" "$backup/counts.restored.txt"; then
    echo "row counts differ from the backup's" >&2
    exit 1
fi
echo "restored: $(wc -l < "$backup/counts.txt") tables, the same row counts as the backup"
