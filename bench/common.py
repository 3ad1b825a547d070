"""Shared helpers of the benchmarks: a PostgreSQL database of their own, a gunicorn server on a
free port of 127.0.0.1, percentiles and the memory of the web workers.

Benchmarks print figures; they assert nothing about time (see docs/BENCHMARKS.md).
"""

import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/comptoir_bench"


def prepare_environment(database_name: str) -> dict:
    """Environment for this process and the servers it starts: PostgreSQL, files in a temp dir."""
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE.replace("comptoir_bench", database_name)
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("The benchmarks run on PostgreSQL: set DATABASE_URL=postgres://… (its own database).")
    var_dir = Path(tempfile.mkdtemp(prefix="comptoir-bench-"))
    os.environ.update({
        "DATABASE_URL": url, "COMPTOIR_VAR_DIR": str(var_dir), "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", "LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "comptoir.settings", "TASKS_BACKEND": "database",
    })
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # DEBUG off needs a key of its own
    os.environ.pop("EMAIL_URL", None)
    sys.path.insert(0, str(ROOT))
    create_database(url)
    return dict(os.environ)


def create_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def manage(*arguments: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *arguments], check=True, cwd=ROOT)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn with ``workers`` workers on a free port of 127.0.0.1: the settings of
    ``comptoir/gunicorn_conf.py`` (the demo's and production's; no access log) when ``threads``
    is None, else sync workers (``threads`` 1) or gthread workers of ``threads`` threads."""

    def __init__(self, workers: int = 2, threads: int | None = None):
        self.port = free_port()
        self.workers = workers
        self.threads = threads
        self.process = None

    @property
    def description(self) -> str:
        if self.threads is None:
            from comptoir import gunicorn_conf

            return (f"comptoir/gunicorn_conf.py: {self.workers} {gunicorn_conf.worker_class} workers "
                    f"of {gunicorn_conf.threads} threads")
        if self.threads > 1:
            return f"{self.workers} gthread workers of {self.threads} threads"
        return f"{self.workers} sync workers"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        if self.threads is None:
            server_options = ["--config", "python:comptoir.gunicorn_conf"]
        elif self.threads > 1:
            server_options = ["--worker-class", "gthread", "--threads", str(self.threads)]
        else:
            server_options = ["--worker-class", "sync"]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "comptoir.wsgi:application", *server_options,
             "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
             "--log-level", "warning", "--backlog", "2048"],
            cwd=ROOT, env={**os.environ, "WEB_ACCESS_LOG": ""},
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                time.sleep(1)  # let every worker boot
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def worker_peak_rss_mb(self) -> float:
        """The largest peak resident memory (VmHWM) among the workers, in MB."""
        peaks = []
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return max(peaks, default=0.0)


def cpu_seconds(pids) -> dict[int, float]:
    """CPU time (user + system) used so far by each of ``pids`` that still runs."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / tick
    return used


def database_backend_pids() -> list[int]:
    """The PostgreSQL server processes serving this benchmark's database (not this process's)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid()")
        return [row[0] for row in cursor.fetchall()]


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def latency_summary(latencies: list[float]) -> str:
    if not latencies:
        return "no successful request"
    return (f"p50 {percentile(latencies, 0.5) * 1000:.1f} ms, p95 {percentile(latencies, 0.95) * 1000:.1f} ms"
            f" (mean {statistics.fmean(latencies) * 1000:.1f} ms, n={len(latencies)})")


def machine_description() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kilobytes = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kilobytes / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (f"{os.cpu_count()} cores ({cpu}){memory}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def postgres_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return "PostgreSQL " + cursor.fetchone()[0].split()[0]


class QueryCounter:
    """Counts the SQL queries run on the default connection inside ``with QueryCounter() as c:``."""

    def __init__(self):
        self.count = 0
        self._context = None

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        from django.db import connection

        self._context = connection.execute_wrapper(self)
        self._context.__enter__()
        return self

    def __exit__(self, *exc):
        self._context.__exit__(*exc)


class LockHoldTimer:
    """Inside ``with LockHoldTimer() as timer:``, the time each transaction of the default
    connection held the order-number lock: from the start of its first statement on the
    ``core_sequence`` table (the one that takes a number locks its row) to the end of its commit.
    ``timer.held`` lists them in seconds."""

    def __init__(self):
        self.held = []
        self._taken = None
        self._context = None
        self._commit = None

    def __call__(self, execute, sql, params, many, context):
        if self._taken is None and "core_sequence" in sql:
            self._taken = time.perf_counter()
        return execute(sql, params, many, context)

    def _timed_commit(self):
        try:
            return self._commit()
        finally:
            if self._taken is not None:
                self.held.append(time.perf_counter() - self._taken)
                self._taken = None

    def __enter__(self):
        from django.db import connection

        connection.ensure_connection()
        self._commit = connection._commit
        connection._commit = self._timed_commit
        self._context = connection.execute_wrapper(self)
        self._context.__enter__()
        return self

    def __exit__(self, *exc):
        from django.db import connection

        self._context.__exit__(*exc)
        connection._commit = self._commit


def load_average() -> str:
    """The machine's 1-minute load average: other work competing for the 2 cores skews figures."""
    return f"load average {os.getloadavg()[0]:.1f}"


def demo_shop_database(database_name: str, *, keep: bool = False) -> dict:
    """A benchmark's own PostgreSQL database holding the demo shop without orders (emptied first
    unless ``keep``), with Django set up on it; prints the machine and its load. Returns the
    environment of ``prepare_environment``."""
    from backoffice import drop_and_create

    environment = prepare_environment(database_name)
    if not keep:
        drop_and_create(environment["DATABASE_URL"])
    manage("migrate", "--noinput", "-v", "0")
    manage("load_demo_data", "--no-orders")
    import django

    django.setup()
    print(f"Machine: {machine_description()}, {postgres_version()}, {load_average()} at the start")
    return environment
