"""deploy/backup.sh and deploy/restore.sh on the real PostgreSQL server: a backup restored into a
new, empty database has every table with the same rows, and the uploaded files come back; a
restore into a database that is not empty is refused."""

import os
import subprocess
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER = os.environ.get("CI_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


def _admin(sql):
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=5) as connection:
        connection.execute(sql)


@pytest.fixture
def databases():
    """Two scratch databases on the server: a source with data, an empty target."""
    try:
        _admin("SELECT 1")
    except Exception as error:  # noqa: BLE001 - the server is not there
        if os.environ.get("CI"):
            pytest.fail(f"CI needs PostgreSQL for the backup test: {error}")
        pytest.skip(f"PostgreSQL is not running here: {error}")
    names = [f"backup_test_{uuid.uuid4().hex[:8]}_{side}" for side in ("src", "dst")]
    for name in names:
        _admin(f"CREATE DATABASE {name}")
    yield [f"{SERVER}/{name}" for name in names]
    for name in names:
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def run(script, *args, env):
    return subprocess.run(
        ["/bin/bash", str(ROOT / "deploy" / script), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_backup_restores_into_a_new_database_with_the_same_rows_and_files(databases, tmp_path):
    import psycopg

    source, target = databases
    with psycopg.connect(source, autocommit=True) as connection:
        connection.execute("CREATE TABLE child (id serial PRIMARY KEY, name text)")
        connection.execute(
            "INSERT INTO child (name) SELECT '小明' || n FROM generate_series(1, 250) n"
        )
        connection.execute("CREATE TABLE empty_table (id int)")
    media = tmp_path / "media"
    (media / "certificates" / "2026").mkdir(parents=True)
    (media / "certificates" / "2026" / "ABC.pdf").write_bytes(b"%PDF-1.7 certificate")

    backup = run(
        "backup.sh",
        str(tmp_path / "backups"),
        env={"DATABASE_URL": source, "DJANGO_MEDIA_ROOT": str(media)},
    )
    assert backup.returncode == 0, backup.stderr
    folder = Path(backup.stdout.strip().splitlines()[-1])
    assert (folder / "database.dump").stat().st_size > 0
    assert "child 250" in (folder / "counts.txt").read_text()

    restored_media = tmp_path / "restored-media"
    restore = run(
        "restore.sh",
        str(folder),
        env={"DATABASE_URL": target, "DJANGO_MEDIA_ROOT": str(restored_media)},
    )
    assert restore.returncode == 0, restore.stderr
    assert "the same row counts" in restore.stdout
    with psycopg.connect(target) as connection:
        names = connection.execute("SELECT name FROM child ORDER BY id").fetchall()
    assert len(names) == 250 and names[0][0] == "小明1"
    assert (restored_media / "certificates" / "2026" / "ABC.pdf").read_bytes() == (
        b"%PDF-1.7 certificate"
    )

    again = run(
        "restore.sh",
        str(folder),
        env={"DATABASE_URL": target, "DJANGO_MEDIA_ROOT": str(restored_media)},
    )
    assert again.returncode == 2
    assert "not empty" in again.stderr
