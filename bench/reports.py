"""Reports benchmark: the home page (« Tableau de bord »), the tax report of a quarter and the
customer list sorted by a figure, with 100,000 orders (``--orders`` for more).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/comptoir_bench_reports python bench/reports.py

Uses its own PostgreSQL database (emptied and created again unless ``--keep``), loads the demo
shop, seeds orders with bulk inserts (``bench/seed.py``: one order every five minutes, the first
two years ago), then measures with a logged-in Django test client: p50/p95 of each page and its
number of queries. The home page is measured twice: before the daily summaries exist (every day
read from the orders) and after ``rebuild_daily_sales`` has summarised each day. Prints figures.
"""

import argparse
import datetime
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=100_000, help="orders to seed")
    parser.add_argument("--repeat", type=int, default=30, help="requests per page")
    parser.add_argument("--keep", action="store_true", help="reuse the database of a previous run")
    options = parser.parse_args()

    url_env = common.prepare_environment("comptoir_bench_reports")
    from backoffice import analyze, drop_and_create

    if not options.keep:
        drop_and_create(url_env["DATABASE_URL"])
    common.manage("migrate", "--noinput", "-v", "0")
    common.manage("load_demo_data", "--no-orders")
    import django

    django.setup()
    print(f"Machine: {common.machine_description()}, {common.postgres_version()}, "
          f"{common.load_average()} at the start")
    from seed import seed_orders

    from comptoir.orders.models import Order

    missing = options.orders - Order.objects.count()
    if missing > 0:
        started = time.perf_counter()
        seed_orders(missing)
        analyze()
        print(f"Seeded {missing:,} orders in {time.perf_counter() - started:.1f} s")
    print(f"\nWith {Order.objects.count():,} orders (logged-in test client, in process)")
    quarter = busiest_quarter()
    pages = [
        ("home page, no summary yet", "/fr/gestion/"),
        (f"tax report {quarter}, no summary yet", f"/fr/gestion/rapports/taxes/?{quarter}"),
        ("customers by total spent", "/fr/gestion/clients/?tri=-spent"),
        ("customers by balance owed", "/fr/gestion/clients/?tri=-balance"),
    ]
    for label, path in pages:
        print_page(label, *measure(path, options.repeat))
    summarise_every_day()
    print_page("home page, days summarised", *measure("/fr/gestion/", options.repeat))
    print_page(f"tax report {quarter}, days summarised",
               *measure(f"/fr/gestion/rapports/taxes/?{quarter}", options.repeat))


def busiest_quarter() -> str:
    """The calendar quarter with the most invoices (a full quarter of the seeded year)."""
    from django.db.models import Count
    from django.db.models.functions import TruncQuarter

    from comptoir.invoicing.models import Invoice

    row = (Invoice.objects.annotate(quarter=TruncQuarter("issued_at")).values("quarter")
           .annotate(n=Count("pk")).order_by("-n").first())
    start = row["quarter"].date()
    end = (start.replace(day=28) + datetime.timedelta(days=70)).replace(day=1) - datetime.timedelta(days=1)
    print(f"Quarter {start} – {end}: {row['n']:,} invoices")
    return f"du={start}&au={end}"


def summarise_every_day() -> None:
    from backoffice import analyze
    from django.utils import timezone

    from comptoir.reports.summaries import rebuild_daily_sales

    today = timezone.localdate()
    started = time.perf_counter()
    days = 800
    for offset in range(days, 0, -1):
        rebuild_daily_sales(today - datetime.timedelta(days=offset))
    analyze()
    print(f"\nrebuild_daily_sales for {days} days: {time.perf_counter() - started:.1f} s "
          f"({(time.perf_counter() - started) / days * 1000:.0f} ms a day)")


def measure(path: str, repeat: int):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="marchand"))
    response = client.get(path)  # warm up
    if response.status_code != 200:
        return response.status_code, [], 0
    with common.QueryCounter() as queries:
        client.get(path)
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(path)
        durations.append(time.perf_counter() - started)
    return 200, durations, queries.count


def print_page(label: str, status: int, durations: list, queries: int) -> None:
    if status != 200:
        print(f"  {label:<48} HTTP {status}")
    else:
        print(f"  {label:<48} {queries:3d} queries, {common.latency_summary(durations)}")


if __name__ == "__main__":
    main()
    print(f"\n({common.load_average()} at the end)")
