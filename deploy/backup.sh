#!/usr/bin/env bash
# Back up the site: the PostgreSQL database (pg_dump, custom format) and the uploaded files.
#   deploy/backup.sh BACKUP_DIR
# reads DATABASE_URL and DJANGO_MEDIA_ROOT (as the site does; e.g. `set -a; . /etc/jiangxin/env`)
# and writes BACKUP_DIR/jiangxin-YYYYmmdd-HHMMSS/{database.dump,media.tar.gz,counts.txt}.
set -euo pipefail
target_root="${1:?usage: backup.sh BACKUP_DIR}"
: "${DATABASE_URL:?DATABASE_URL is not set}"
media="${DJANGO_MEDIA_ROOT:?DJANGO_MEDIA_ROOT is not set}"
target="$target_root/jiangxin-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$target"
umask 077
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$target/database.dump"
if [ -d "$media" ]; then
    tar -C "$media" -czf "$target/media.tar.gz" .
else
    tar -czf "$target/media.tar.gz" --files-from /dev/null
fi
# Row counts of every table, to compare with a restore.
psql --dbname="$DATABASE_URL" -Atc "
  SELECT table_name || ' ' || (xpath('/row/c/text()',
         query_to_xml(format('SELECT count(*) AS c FROM %I', table_name), false, true, '')))[1]::text
  FROM information_schema.tables
  WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name" > "$target/counts.txt"
echo "$target"
