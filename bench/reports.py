"""Reports benchmark: the home page (« Tableau de bord »), the tax report of a quarter and the
customer list sorted by a figure, with 100,000 orders (``--orders`` for more).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/comptoir_bench_reports python bench/reports.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/comptoir_bench_reports_1m \
        python bench/reports.py --orders 1000000

Uses its own PostgreSQL database (emptied and created again unless ``--keep``), loads the demo
shop, seeds orders with bulk inserts (``bench/seed.py``: whatever their number, spread evenly
over the last two years, so that « the same days last year » has orders too), summarises every
past day as the nightly job does (``rebuild_daily_sales``), then measures with a logged-in
Django test client: p50/p95 of each page, its number of queries and the time its queries took
in PostgreSQL. ``--cold`` also measures the home page and the tax report before any day is
summarised (every figure read from the orders and documents). Prints figures.
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
    parser.add_argument("--seed-only", action="store_true", help="seed the orders, measure nothing")
    parser.add_argument("--cold", action="store_true", help="also measure before any day is summarised")
    parser.add_argument("--python-seed", action="store_true",
                        help="seed with Django's bulk_create instead of INSERT … SELECT in PostgreSQL")
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
    from seed import seed_orders, seed_orders_sql

    from comptoir.orders.models import Order

    missing = options.orders - Order.objects.count()
    if missing > 0:
        started = time.perf_counter()

        def progress(done: int) -> None:
            if done % 100_000 == 0 or done == missing:
                elapsed = time.perf_counter() - started
                print(f"  {done:,} orders seeded in {elapsed:.0f} s ({done / elapsed:,.0f} orders/s, "
                      f"{common.load_average()})", flush=True)

        # Whatever their number, the orders span the last two years (same days last year).
        seed = seed_orders if options.python_seed else seed_orders_sql
        seed(missing, spacing=datetime.timedelta(days=730) / options.orders, progress=progress)
        analyze()
        print(f"Seeded {missing:,} orders in {time.perf_counter() - started:.1f} s")
    if options.seed_only:
        return
    print(f"\nWith {Order.objects.count():,} orders (logged-in test client, in process)")
    quarter = busiest_quarter()
    tax_report = f"/fr/gestion/rapports/taxes/?{quarter}"
    if options.cold:
        forget_summaries()
        cold = max(3, options.repeat // 6)
        print_page("home page, no day summarised", *measure("/fr/gestion/", cold))
        print_page("tax report of the quarter, no day summarised", *measure(tax_report, cold))
    summarise_every_day()
    pages = [
        ("home page", "/fr/gestion/"),
        ("tax report of the quarter", tax_report),
        ("tax report of the current quarter (today live)", current_quarter()),
        ("customers by name", "/fr/gestion/clients/"),
        ("customers by total spent", "/fr/gestion/clients/?tri=-spent"),
        ("customers by number of orders", "/fr/gestion/clients/?tri=-orders"),
        ("customers by balance owed", "/fr/gestion/clients/?tri=-balance"),
    ]
    for label, path in pages:
        print_page(label, *measure(path, options.repeat))


def busiest_quarter() -> str:
    """The calendar quarter with the most invoices (a full quarter of the seeded years)."""
    from django.db.models import Count
    from django.db.models.functions import TruncQuarter

    from comptoir.invoicing.models import Invoice

    row = (Invoice.objects.annotate(quarter=TruncQuarter("issued_at")).values("quarter")
           .annotate(n=Count("pk")).order_by("-n").first())
    start = row["quarter"].date()
    end = (start.replace(day=28) + datetime.timedelta(days=70)).replace(day=1) - datetime.timedelta(days=1)
    print(f"Busiest quarter {start} – {end}: {row['n']:,} invoices")
    return f"du={start}&au={end}"


def current_quarter() -> str:
    from django.utils import timezone

    from comptoir.reports.periods import period_of

    return f"/fr/gestion/rapports/taxes/?{period_of(timezone.localdate(), months=3).query()}"


def forget_summaries() -> None:
    from comptoir.reports.models import DailySales, ProductDailySales, SummaryDay, TaxDailySummary

    for model in (SummaryDay, DailySales, ProductDailySales, TaxDailySummary):
        model.objects.all().delete()


def summarise_every_day() -> None:
    """What the nightly job leaves: every day that is over summarised."""
    from backoffice import analyze
    from django.utils import timezone

    from comptoir.orders.models import Order
    from comptoir.reports.models import SummaryDay
    from comptoir.reports.summaries import rebuild_daily_sales

    today = timezone.localdate()
    first = Order.objects.order_by("placed_at").values_list("placed_at", flat=True).first()
    first = timezone.localdate(first)
    built = set(SummaryDay.objects.values_list("day", flat=True))
    days = [first + datetime.timedelta(days=n) for n in range((today - first).days)]
    days = [day for day in days if day not in built]
    if not days:
        return
    started = time.perf_counter()
    for day in days:
        rebuild_daily_sales(day)
    analyze()
    elapsed = time.perf_counter() - started
    print(f"\nrebuild_daily_sales for {len(days)} days: {elapsed:.1f} s "
          f"({elapsed / len(days) * 1000:.0f} ms a day)")


class SqlTimer:
    """Counts the queries of a request and adds up the time they took."""

    def __init__(self):
        self.count, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


def measure(path: str, repeat: int):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from comptoir.core.testing import sign_in_verified

    client = sign_in_verified(Client(), get_user_model().objects.get(username="marchand"))
    response = client.get(path)  # warm up
    if response.status_code != 200:
        return response.status_code, [], 0, [], []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    durations, sql, cpu, queries = [], [], [], 0
    for _ in range(repeat):
        timer = SqlTimer()
        with connection.execute_wrapper(timer):
            cpu_before = time.process_time() + common.cpu_seconds([backend]).get(backend, 0.0)
            started = time.perf_counter()
            client.get(path)
            durations.append(time.perf_counter() - started)
            cpu.append(time.process_time() + common.cpu_seconds([backend]).get(backend, 0.0) - cpu_before)
        sql.append(timer.seconds)
        queries = timer.count
    return 200, durations, queries, sql, cpu


def print_page(label: str, status: int, durations: list, queries: int, sql: list, cpu: list) -> None:
    """Elapsed time (follows the machine's load), time in the queries, and CPU time of this
    process and of its PostgreSQL server process (what the page costs, much less load-bound)."""
    if status != 200:
        print(f"  {label:<50} HTTP {status}")
        return
    cpu_p50, cpu_p95 = common.percentile(cpu, 0.5) * 1000, common.percentile(cpu, 0.95) * 1000
    print(f"  {label:<50} {queries:3d} queries, {common.latency_summary(durations)}; "
          f"SQL p50 {common.percentile(sql, 0.5) * 1000:.1f} ms; CPU (Python + PostgreSQL) "
          f"p50 {cpu_p50:.0f} ms, p95 {cpu_p95:.0f} ms", flush=True)


if __name__ == "__main__":
    main()
    print(f"\n({common.load_average()} at the end)")
