"""Back-office benchmark: the order list and order page with 1,000 then 100,000 orders.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/comptoir_bench_backoffice python bench/backoffice.py

Uses its own PostgreSQL database (emptied and created again at each run unless ``--keep``),
loads the demo shop, seeds orders quickly with bulk inserts (``bench/seed.py``), then measures
with a logged-in Django test client: p50/p95 of each page and its number of queries, at 1,000
and at 100,000 orders, and the warm render time of one invoice PDF. Prints the figures.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=100_000, help="orders in the large measurement")
    parser.add_argument("--repeat", type=int, default=30, help="requests per page and size")
    parser.add_argument("--keep", action="store_true", help="reuse the database of a previous run")
    options = parser.parse_args()

    url_env = common.prepare_environment("comptoir_bench_backoffice")
    if not options.keep:
        drop_and_create(url_env["DATABASE_URL"])
    common.manage("migrate", "--noinput", "-v", "0")
    common.manage("load_demo_data", "--no-orders")
    common.manage("collectstatic", "--noinput", "-v", "0")
    import django

    django.setup()
    print(f"Machine: {common.machine_description()}, {common.postgres_version()}, "
          f"{common.load_average()} at the start")
    from seed import seed_orders

    from comptoir.orders.models import Order

    results = {}
    for size in (1_000, options.orders):
        if Order.objects.count() > size:  # a kept database already holds more
            print(f"\nNo measurement with {size:,} orders: the database holds {Order.objects.count():,}")
            continue
        missing = size - Order.objects.count()
        if missing > 0:
            started = time.perf_counter()
            seed_orders(missing)
            analyze()
            print(f"\nSeeded {missing:,} orders in {time.perf_counter() - started:.1f} s")
        results[size] = measure_pages(options.repeat)
        print_results(size, results[size])
    print_query_comparison(results)
    measure_pdf()


def drop_and_create(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def pages() -> list[tuple[str, str]]:
    from comptoir.invoicing.models import Invoice
    from comptoir.orders.models import Order

    # Orders with an invoice, so that both sizes show the same kind of page.
    invoiced = Invoice.objects.order_by("-number").values_list("order__number", "order__email")
    newest = invoiced[0]
    middle = invoiced[Invoice.objects.count() // 2][0]
    invoice_tab = invoiced[10][0]
    # The list walks by order number: page 10 starts below the last order of page 9.
    page_10 = Order.objects.order_by("-number").values_list("number", flat=True)[9 * 50 - 1]
    return [
        ("order list", "/fr/gestion/commandes/"),
        ("order list, status « Nouvelle »", "/fr/gestion/commandes/?status=new"),
        ("order list, page 10", f"/fr/gestion/commandes/?avant={page_10}"),
        ("order list, search by email", f"/fr/gestion/commandes/?q={newest[1]}"),
        ("order page (newest)", f"/fr/gestion/commandes/{newest[0]}/"),
        ("order page (middle)", f"/fr/gestion/commandes/{middle}/"),
        ("order page, « Facture » tab", f"/fr/gestion/commandes/{invoice_tab}/facture/"),
        ("invoice list", "/fr/gestion/factures/"),
        ("customer list", "/fr/gestion/clients/"),
    ]


def measure_pages(repeat: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from comptoir.core.testing import sign_in_verified

    # The demo owner, with the two-factor step done (the bench database is its own).
    client = sign_in_verified(Client(), get_user_model().objects.get(username="marchand"))
    measured = {}
    for label, path in pages():
        response = client.get(path)  # warm up
        if response.status_code != 200:
            measured[label] = (response.status_code, [], 0)
            continue
        with common.QueryCounter() as queries:
            client.get(path)
        durations = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(path)
            durations.append(time.perf_counter() - started)
        measured[label] = (200, durations, queries.count)
    return measured


def print_results(size: int, measured: dict) -> None:
    print(f"\nWith {size:,} orders (logged-in test client, in process)")
    for label, (status, durations, queries) in measured.items():
        if status != 200:
            print(f"  {label:<32} HTTP {status}")
            continue
        print(f"  {label:<32} {queries:3d} queries, {common.latency_summary(durations)}")


def print_query_comparison(results: dict) -> None:
    if len(results) < 2:
        return
    small, large = sorted(results)
    print(f"\nQueries per page, {small:,} vs {large:,} orders")
    for label in results[small]:
        a, b = results[small][label][2], results[large][label][2]
        print(f"  {label:<32} {a:3d} vs {b:3d}{'' if a == b else '  ← differs'}")


def measure_pdf() -> None:
    from comptoir.invoicing.models import Invoice

    try:
        from comptoir.invoicing.pdf import render_invoice_pdf
    except ImportError as error:
        print(f"\nInvoice PDF: not measured ({error})")
        return
    invoice = Invoice.objects.order_by("-number").first()
    render_invoice_pdf(invoice)  # warm: fonts, templates, WeasyPrint's caches
    durations = []
    for _ in range(5):
        started = time.perf_counter()
        size = len(render_invoice_pdf(invoice))
        durations.append(time.perf_counter() - started)
    print(f"\nInvoice PDF (warm, {size / 1024:.0f} KB): {common.latency_summary(durations)}")


if __name__ == "__main__":
    main()
    print(f"\n({common.load_average()} at the end)")
