"""Benchmark of the periodic jobs: the hourly payment reminders over many unpaid invoices, and
the scheduler's tick.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/comptoir_bench_reminders python bench/reminders.py

Uses its own PostgreSQL database (emptied and created again at each run), loads the demo shop,
seeds orders with bulk inserts (``bench/seed.py``: open orders have an unpaid invoice), dates
those invoices 3 to 36 days back, turns the reminders on (3 and 7 days, no
automatic cancellation), then prints: the first run (one reminder per unpaid invoice: time and
reminders per second), a second run with nothing new to send (time and queries), and a tick of
``run_due_jobs`` with no job due (time and queries).
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from backoffice import analyze, drop_and_create  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=20_000, help="orders to seed")
    options = parser.parse_args()

    url_env = common.prepare_environment("comptoir_bench_reminders")
    drop_and_create(url_env["DATABASE_URL"])
    common.manage("migrate", "--noinput", "-v", "0")
    common.manage("load_demo_data", "--no-orders")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from seed import seed_orders

    from comptoir.merchant.models import ShopSettings
    from comptoir.operations.periodic import run_due_jobs
    from comptoir.payments.reminders import run_reminders, unpaid_invoices

    print(f"Machine: {common.machine_description()}, {common.postgres_version()}, "
          f"{common.load_average()} at the start")
    started = time.perf_counter()
    seed_orders(options.orders)
    analyze()
    print(f"Seeded {options.orders:,} orders in {time.perf_counter() - started:.1f} s; "
          f"{unpaid_invoices().count():,} unpaid invoices")
    # Reminders leave alone invoices over 37 days old (7 + CATCH_UP_DAYS): the unpaid ones are
    # dated back 3 to 36 days so that each is due a reminder.
    import datetime

    from django.utils import timezone

    from comptoir.invoicing.models import Invoice

    invoices = list(Invoice.objects.filter(pk__in=unpaid_invoices().values("pk")).only("pk", "issued_at"))
    for invoice in invoices:
        invoice.issued_at = timezone.now() - datetime.timedelta(days=3 + invoice.pk % 34)
    Invoice.objects.bulk_update(invoices, ["issued_at"], batch_size=1000)
    ShopSettings.objects.filter(pk=1).update(reminders_enabled=True, reminder_days="3,7", expiry_days=None)

    started = time.perf_counter()
    done = run_reminders()
    elapsed = time.perf_counter() - started
    print(f"First run: {done['reminders']:,} reminders queued in {elapsed:.1f} s "
          f"({done['reminders'] / elapsed:,.0f} a second)")

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        done = run_reminders()
        elapsed = time.perf_counter() - started
    print(f"Second run, nothing new: {done['reminders']} sent in {elapsed * 1000:.0f} ms, "
          f"{len(queries)} queries")

    run_due_jobs()  # every job's first period
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        ran = run_due_jobs()
        elapsed = time.perf_counter() - started
    print(f"Scheduler tick with no job due: {ran} in {elapsed * 1000:.1f} ms, {len(queries)} queries")


if __name__ == "__main__":
    main()
