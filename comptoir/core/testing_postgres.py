"""A private PostgreSQL cluster for tests that stop or restart the database server.

The cluster lives in a temporary folder, listens on a free port of 127.0.0.1 only, trusts local
connections, and is removed at the end. PostgreSQL refuses to run as root: under root it runs as
the ``postgres`` system user (``nobody`` when there is none), through ``runuser``.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_bin_dir() -> Path:
    """The newest server binaries: /usr/lib/postgresql/<version>/bin (Debian), else the PATH."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                        key=lambda path: int(Path(path).parent.parent.name))
    if candidates:
        return Path(candidates[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl:
        return Path(pg_ctl).parent
    raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) not found: "
                       "apt-get install postgresql")


class PrivatePostgres:
    def __init__(self):
        self.bin = postgres_bin_dir()
        self.port = _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="comptoir-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.user = None
        if os.geteuid() == 0:
            self.user = "postgres"
            try:
                pwd.getpwnam(self.user)
            except KeyError:
                self.user = "nobody"
            account = pwd.getpwnam(self.user)
            os.chown(self.root, account.pw_uid, account.pw_gid)

    def url(self, database: str = "comptoir") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        return subprocess.run([*prefix, *command], check=check, capture_output=True, text=True,
                              timeout=120, cwd=self.root)

    def _pg_ctl(self, *arguments: str) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), *arguments)

    def start(self) -> "PrivatePostgres":
        if not self.data.exists():
            self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                      "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C")
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        self._pg_ctl("-o", options, "-l", str(self.log), "-w", "-t", "60", "start")
        return self

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("-m", mode, "-w", "-t", "60", "stop")

    def restart(self, *, down_for: float = 0.0) -> None:
        """``pg_ctl restart -m fast``, or stop, wait ``down_for`` seconds, start."""
        if not down_for:
            options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
                       "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
            self._pg_ctl("-o", options, "-l", str(self.log), "-m", "fast", "-w", "-t", "60", "restart")
            return
        self.stop()
        time.sleep(down_for)
        self.start()

    def create_database(self, name: str) -> None:
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                  name)

    def destroy(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop",
                  check=False)
        shutil.rmtree(self.root, ignore_errors=True)
