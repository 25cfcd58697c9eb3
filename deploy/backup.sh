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
# The dump and the row counts read one snapshot, so a site that keeps running during the backup
# still gives counts that match the dump exactly.
coproc PSQL { psql --dbname="$DATABASE_URL" --no-psqlrc -Atq -v ON_ERROR_STOP=1; }
psql_pid=$PSQL_PID
echo "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT pg_export_snapshot();" >&"${PSQL[1]}"
read -r snapshot <&"${PSQL[0]}"
pg_dump --format=custom --no-owner --no-privileges --snapshot="$snapshot" \
    --dbname="$DATABASE_URL" --file="$target/database.dump"
cat >&"${PSQL[1]}" <<'SQL'
SELECT table_name || ' ' || (xpath('/row/c/text()',
       query_to_xml(format('SELECT count(*) AS c FROM %I', table_name), false, true, '')))[1]::text
FROM information_schema.tables
WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name;
SELECT '-- end of counts --';
SQL
while read -r line <&"${PSQL[0]}"; do
    [ "$line" = "-- end of counts --" ] && break
    echo "$line"
done > "$target/counts.txt"
echo "COMMIT;" >&"${PSQL[1]}"
exec {PSQL[1]}>&-
wait "$psql_pid"
if [ -d "$media" ]; then
    tar -C "$media" -czf "$target/media.tar.gz" .
else
    tar -czf "$target/media.tar.gz" --files-from /dev/null
fi
echo "$target"
