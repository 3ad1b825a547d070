"""CSV export benchmark: « Exporter (CSV) » of 100,000 orders through a gunicorn worker.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/comptoir_bench_export python bench/export_csv.py

Uses its own PostgreSQL database (emptied and created again at each run unless ``--keep``),
loads the demo shop, seeds the orders with bulk inserts (``bench/seed.py``), starts gunicorn with
one sync worker on a free port of 127.0.0.1 and downloads the export of every order, then of
every order line, as a signed-in merchant. Prints the time, the size, the number of rows and
the CPU time of the web worker and of PostgreSQL (which depends far less on the load of the
machine than the elapsed time) and the worker's peak resident memory (VmHWM).
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=100_000, help="orders in the database")
    parser.add_argument("--keep", action="store_true", help="reuse the database of a previous run")
    options = parser.parse_args()

    url_env = common.prepare_environment("comptoir_bench_export")
    from backoffice import analyze, drop_and_create

    if not options.keep:
        drop_and_create(url_env["DATABASE_URL"])
    common.manage("migrate", "--noinput", "-v", "0")
    common.manage("load_demo_data", "--no-orders")
    common.manage("collectstatic", "--noinput", "-v", "0")
    import django

    django.setup()
    from seed import seed_orders

    from comptoir.orders.models import Order

    missing = options.orders - Order.objects.count()
    if missing > 0:
        started = time.perf_counter()
        seed_orders(missing)
        analyze()
        print(f"Seeded {missing:,} orders in {time.perf_counter() - started:.1f} s")
    print(
        f"Machine: {common.machine_description()}, {common.postgres_version()}, "
        f"{common.load_average()} at the start; {Order.objects.count():,} orders"
    )
    cookie = session_cookie()
    # The worker keeps its database connection from one export to the next: the CPU time of
    # that one PostgreSQL process is the database's share.
    os.environ["CONN_MAX_AGE"] = "3600"
    # A sync worker is busy for a whole export: gunicorn's default 30 s timeout would cut it.
    os.environ.setdefault("GUNICORN_CMD_ARGS", "--timeout 900")
    with common.Gunicorn(workers=1) as server:
        download(server, cookie, "/fr/gestion/commandes/")  # warm up: imports, templates, connection
        print(f"Worker after warm-up: peak RSS {server.worker_peak_rss_mb():.1f} MB")
        for label, query in [("orders", "what=orders&decimal=comma"), ("lines", "what=lines&decimal=point")]:
            worker = server.worker_pids()
            database = common.database_backend_pids()
            cpu_before = {**common.cpu_seconds(worker), **common.cpu_seconds(database)}
            started = time.perf_counter()
            size, rows = download(server, cookie, f"/fr/gestion/commandes/export.csv?{query}")
            elapsed = time.perf_counter() - started
            cpu_after = common.cpu_seconds(worker)
            database_after = common.cpu_seconds(database)
            worker_cpu = sum(cpu_after[pid] - cpu_before.get(pid, 0) for pid in cpu_after)
            database_cpu = sum(database_after[pid] - cpu_before.get(pid, 0) for pid in database_after)
            print(
                f"Export of the {label}: {rows - 1:,} rows, {size / 1e6:.1f} MB in {elapsed:.1f} s "
                f"(CPU: web worker {worker_cpu:.1f} s, PostgreSQL {database_cpu:.1f} s); "
                f"worker peak RSS {server.worker_peak_rss_mb():.1f} MB"
            )
    print(f"Load average at the end: {common.load_average()}")


def session_cookie() -> str:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="marchand"))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def download(server, cookie: str, path: str) -> tuple[int, int]:
    """(bytes, lines) of the streamed response, read in chunks as a browser would."""
    import httpx

    size = lines = 0
    with httpx.stream("GET", server.base_url + path, headers={"Cookie": cookie}, timeout=600) as response:
        response.raise_for_status()
        for chunk in response.iter_bytes():
            size += len(chunk)
            lines += chunk.count(b"\n")
    return size, lines


if __name__ == "__main__":
    main()
