"""Fixtures for the tests that run the shop as separate processes (backup, the deployment guide)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlunsplit

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
PROCESS_TIMEOUT = 300  # seconds: a hung process fails the test instead of holding the run


def shop_environment(database_url: str, var_dir: Path, **variables) -> dict:
    """The environment of a shop process: its own database and folders, a random secret key."""
    environment = dict(os.environ)
    environment.update({
        "DATABASE_URL": database_url, "COMPTOIR_VAR_DIR": str(var_dir), "MEDIA_ROOT": str(var_dir / "media"),
        "SECRET_KEY": secrets.token_urlsafe(50), "PYTHONPATH": str(ROOT), "DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "comptoir.settings", "LOG_LEVEL": "WARNING", **variables,
    })
    return environment


def manage(environment: dict, *arguments: str, succeeds: bool = True) -> subprocess.CompletedProcess:
    """``python manage.py ARGUMENTS`` in a new process; asserts how it ends."""
    result = subprocess.run([sys.executable, str(ROOT / "manage.py"), *arguments], env=environment,
                            capture_output=True, text=True, timeout=PROCESS_TIMEOUT, cwd=ROOT)
    assert (result.returncode == 0) == succeeds, (
        f"manage.py {' '.join(arguments)}:\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture
def new_databases(tmp_path):
    """Two new, empty databases of the run's kind: SQLite files, or PostgreSQL databases created
    on the run's server (dropped afterwards). Returns their DATABASE_URL values."""
    default = settings.DATABASES["default"]
    if default["ENGINE"] == "django.db.backends.sqlite3":
        folders = [tmp_path / "first-database", tmp_path / "second-database"]
        for folder in folders:
            folder.mkdir()
        yield [f"sqlite:///{folder / 'comptoir.sqlite3'}" for folder in folders]
        return
    import psycopg

    server = {"host": default.get("HOST") or "127.0.0.1", "port": default.get("PORT") or 5432,
              "user": default.get("USER") or "postgres", "password": default.get("PASSWORD") or None}
    suffix = secrets.token_hex(4)
    base = default["NAME"].removeprefix("test_")
    names = [f"{base}_ops_{suffix}_1", f"{base}_ops_{suffix}_2"]
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    credentials = server["user"] + (f":{server['password']}" if server["password"] else "")
    address = f"{credentials}@{server['host']}:{server['port']}"
    try:
        yield [urlunsplit(("postgres", address, f"/{name}", "", "")) for name in names]
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
