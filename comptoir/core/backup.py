"""Backup and restore of a shop: its database and its media files (product pictures, logo,
stored invoice PDFs) in one archive, made while the shop runs.

The archive ``comptoir-backup-YYYYMMDD-HHMMSS.tar.gz`` holds:

- ``database.sqlite3`` (SQLite's ``VACUUM INTO``: one consistent copy, writers keep working)
  or ``database.pgdump`` (``pg_dump --format=custom``, one consistent snapshot);
- ``media/…``: the media folder, copied *after* the database: a stored file is written before
  the transaction that refers to it commits, so every file the copied database refers to is
  already there (a file created later may be in the archive too, unused);
- ``manifest.json``: format, date, database engine, and the number of rows of every table in
  the copied database (read from the same snapshot), which ``restore`` checks.

Only the standard library and the PostgreSQL client programs are used, so a backup needs nothing
the shop does not already have. The code knows no domain app: it copies every table.
"""

import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

ARCHIVE_FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A backup or a restore cannot be done; the message says why and what to do."""


@dataclass
class Summary:
    path: Path
    tables: dict
    media_files: int


# --- Backup ---------------------------------------------------------------------------------


def make_backup(output_dir: Path, *, using: str = "default") -> Summary:
    """Write a new archive into ``output_dir`` and return what it holds. The archive appears
    under its final name only once complete (written under a temporary name, then renamed)."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    name = _archive_name(output_dir)
    with tempfile.TemporaryDirectory(prefix=".comptoir-backup-", dir=output_dir) as work:
        database_file = Path(work) / DATABASE_FILES[vendor]
        if vendor == "sqlite":
            tables = _backup_sqlite(connection, database_file)
        else:
            tables = _backup_postgresql(connection, database_file)
        partial = output_dir / f".{name}.partial"
        try:
            with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
                archive.add(database_file, arcname=database_file.name)
                media_files, media_bytes = _add_media(archive, Path(settings.MEDIA_ROOT))
                manifest = {
                    "format": ARCHIVE_FORMAT, "created_at": timezone.now().isoformat(),
                    "engine": vendor, "database": database_file.name, "tables": tables,
                    "media_files": media_files, "media_bytes": media_bytes,
                }
                _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
            with open(partial, "rb") as written:
                os.fsync(written.fileno())
            os.replace(partial, output_dir / name)
        finally:
            partial.unlink(missing_ok=True)
    return Summary(output_dir / name, tables, media_files)


def _archive_name(output_dir: Path) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    name, index = f"comptoir-backup-{stamp}.tar.gz", 1
    while (output_dir / name).exists():
        index += 1
        name = f"comptoir-backup-{stamp}-{index}.tar.gz"
    return name


def _backup_sqlite(connection, target: Path) -> dict:
    """``VACUUM INTO``: a consistent, compact copy written under one read transaction (in WAL
    mode, orders keep being written meanwhile). Unlike the backup API, which retries forever
    while the database is locked, it gives up with an error after the connection's timeout."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(target)])
    copy = sqlite3.connect(target)
    try:
        if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("The copy of the SQLite database is damaged: the backup was not written.")
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        return _sqlite_counts(copy)
    finally:
        copy.close()


def _sqlite_counts(database: sqlite3.Connection) -> dict:
    names = [row[0] for row in database.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {name: database.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}


def _backup_postgresql(connection, target: Path) -> dict:
    """``pg_dump`` of a snapshot exported by a REPEATABLE READ transaction, in which the rows
    of every table are counted: the counts are those of the dump."""
    import psycopg

    pg_dump = postgresql_program("pg_dump", connection)
    with psycopg.connect(**_psycopg_parameters(connection), autocommit=False) as session:
        session.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        session.read_only = True
        snapshot = session.execute("SELECT pg_export_snapshot()").fetchone()[0]
        tables = _postgresql_counts(session)
        _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"], connection)
        session.rollback()
    return tables


def _postgresql_counts(session) -> dict:
    from psycopg import sql

    names = [row[0] for row in session.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")]
    return {
        name: session.execute(sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(name))).fetchone()[0]
        for name in names
    }


def _add_media(archive: tarfile.TarFile, media_root: Path) -> tuple[int, int]:
    count = size = 0
    if not media_root.is_dir():
        return count, size
    for path in sorted(media_root.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        try:
            content = path.read_bytes()  # read at once: a file may change while it is copied
        except FileNotFoundError:  # removed while the backup ran (a replaced picture)
            continue
        _add_bytes(archive, f"media/{path.relative_to(media_root).as_posix()}", content)
        count, size = count + 1, size + len(content)
    return count, size


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(content), int(timezone.now().timestamp()), 0o644
    archive.addfile(info, io.BytesIO(content))


# --- Restore --------------------------------------------------------------------------------


def read_manifest(archive_path: Path) -> dict:
    try:
        with tarfile.open(archive_path, "r:*") as archive:
            manifest = json.load(archive.extractfile(MANIFEST))
    except FileNotFoundError as error:
        raise BackupError(f"No file {archive_path}.") from error
    except (tarfile.TarError, KeyError, AttributeError, ValueError, OSError) as error:
        raise BackupError(f"{archive_path} is not a Comptoir backup (no readable {MANIFEST}).") from error
    if manifest.get("format") != ARCHIVE_FORMAT or manifest.get("engine") not in DATABASE_FILES:
        raise BackupError(f"{archive_path} has an unknown backup format: {manifest.get('format')!r}.")
    return manifest


def existing_tables(using: str = "default") -> list[str]:
    with connections[using].cursor() as cursor:
        return [name for name in connections[using].introspection.table_names(cursor)
                if not name.startswith("sqlite_")]


def restore_backup(archive_path: Path, *, force: bool = False, using: str = "default") -> Summary:
    """Restore the database and the media of an archive. Refused when the database has tables
    or the media folder has files, unless ``force`` (which replaces the database's content)."""
    manifest = read_manifest(archive_path)
    connection = connections[using]
    if manifest["engine"] != connection.vendor:
        raise BackupError(
            f"This backup is of a {manifest['engine']} database and DATABASE_URL points to "
            f"{connection.vendor}: restore it into the same kind of database.")
    media_root = Path(settings.MEDIA_ROOT)
    tables = existing_tables(using)
    media = [path for path in media_root.rglob("*") if path.is_file()] if media_root.is_dir() else []
    if not force and (tables or media):
        found = [f"the database already has {len(tables)} tables"] if tables else []
        found += [f"{media_root} already has {len(media)} files"] if media else []
        raise BackupError(f"Nothing restored: {' and '.join(found)}. Restore into a new, empty database "
                          "and media folder, or add --force to replace their content.")
    media_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".comptoir-restore-", dir=media_root.parent) as work:
        with tarfile.open(archive_path, "r:*") as archive:
            archive.extractall(work, filter="data")
        database_file = Path(work) / manifest["database"]
        if manifest["engine"] == "sqlite":
            _restore_sqlite(connection, database_file)
        else:
            _restore_postgresql(connection, database_file, clean=bool(tables))
        media_files = _move_media(Path(work) / "media", media_root)
    restored = _counts(connection)
    if restored != manifest["tables"]:
        different = sorted(name for name in set(restored) | set(manifest["tables"])
                           if restored.get(name) != manifest["tables"].get(name))
        raise BackupError(f"The restored database differs from the backup in: {', '.join(different)}.")
    return Summary(Path(archive_path), restored, media_files)


def _restore_sqlite(connection, database_file: Path) -> None:
    target = Path(connection.settings_dict["NAME"])
    connection.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.restoring")
    shutil.copyfile(database_file, staged)
    # A journal left by the replaced database would be applied to the restored one.
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(staged, target)


def _restore_postgresql(connection, dump: Path, *, clean: bool) -> None:
    pg_restore = postgresql_program("pg_restore", connection)
    if clean:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    connection.close()
    _run([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          f"--dbname={connection.settings_dict['NAME']}", str(dump)], connection)


def _move_media(source: Path, media_root: Path) -> int:
    count = 0
    if not source.is_dir():
        return count
    for path in source.rglob("*"):
        if path.is_file():
            destination = media_root / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, destination)
            count += 1
    return count


def _counts(connection) -> dict:
    with connection.cursor() as cursor:
        names = sorted(name for name in connection.introspection.table_names(cursor)
                       if not name.startswith("sqlite_"))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
            counts[name] = cursor.fetchone()[0]
    return counts


# --- PostgreSQL client programs -------------------------------------------------------------


def postgresql_program(name: str, connection) -> str:
    """``pg_dump`` or ``pg_restore`` at least as new as the server (an older one refuses to
    dump it): the newest of /usr/lib/postgresql/*/bin (Debian), else the one on PATH."""
    connection.ensure_connection()
    server_major = connection.connection.info.server_version // 10000
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                        key=lambda path: _major(path.parent.parent.name), reverse=True)
    on_path = shutil.which(name)
    for candidate in [str(path) for path in candidates] + ([on_path] if on_path else []):
        if _program_major(candidate) >= server_major:
            return candidate
    raise BackupError(f"No {name} for PostgreSQL {server_major} or newer: install it "
                      f"(apt-get install postgresql-client-{server_major}).")


def _major(text: str) -> int:
    match = re.match(r"\d+", text)
    return int(match.group()) if match else 0


def _program_major(program: str) -> int:
    try:
        output = subprocess.run([program, "--version"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return 0
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    return int(match.group(1)) if match else 0


def _psycopg_parameters(connection) -> dict:
    settings_dict = connection.settings_dict
    parameters = {"dbname": settings_dict["NAME"]}
    for parameter, key in (("user", "USER"), ("password", "PASSWORD"), ("host", "HOST"), ("port", "PORT")):
        if settings_dict.get(key):
            parameters[parameter] = settings_dict[key]
    if settings_dict.get("OPTIONS", {}).get("sslmode"):
        parameters["sslmode"] = settings_dict["OPTIONS"]["sslmode"]
    return parameters


def _run(command: list[str], connection) -> None:
    """Run a PostgreSQL client program with the connection's address and credentials in its
    environment (never on its command line, where other users could read the password)."""
    settings_dict = connection.settings_dict
    environment = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"),
                          ("PGPASSWORD", "PASSWORD"), ("PGDATABASE", "NAME")):
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    if settings_dict.get("OPTIONS", {}).get("sslmode"):
        environment["PGSSLMODE"] = settings_dict["OPTIONS"]["sslmode"]
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        program = Path(command[0]).name
        raise BackupError(f"{program} failed (exit code {result.returncode}): {result.stderr.strip()}")
