"""Where the CPU goes: pages and checkouts measured in process, with cProfile's top functions.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/comptoir_bench python bench/cpu_profile.py
    python bench/cpu_profile.py --pages product,checkout --top 25 --repeat 50

Runs in this process with Django's test client against a database that already holds the
catalogue and orders (``bench/storefront.py --products 2000`` or ``bench/backoffice.py --keep``
make one). For each page: the CPU time of this process per request (``time.process_time``, so
other load on the machine hardly changes it; PostgreSQL's own CPU is not included), the queries,
and with ``--top N`` the N functions with the most time of their own and the N with the most
cumulative time (cProfile, timed in CPU time). Prints figures; asserts nothing about time.
"""

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

PAGES = ("product", "category", "home", "product_cached", "order_list", "order_page",
         "customer_email", "checkout")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", default=",".join(PAGES), help=f"comma-separated, among {', '.join(PAGES)}")
    parser.add_argument("--repeat", type=int, default=30, help="requests measured per page")
    parser.add_argument("--top", type=int, default=0, help="print cProfile's top N functions per page")
    options = parser.parse_args()

    common.prepare_environment("comptoir_bench")
    import django

    django.setup()
    print(f"Machine: {common.machine_description()}, {common.load_average()} at the start")
    targets = build_targets()
    for name in options.pages.split(","):
        run = targets[name]
        run()  # warm: templates, translations, connections
        with common.QueryCounter() as queries:
            run()
        with common.LockHoldTimer() as timer:
            started = time.process_time()
            for _ in range(options.repeat):
                run()
            cpu_ms = (time.process_time() - started) * 1000 / options.repeat
        print(f"{name:<16} {cpu_ms:6.2f} ms CPU per {'order' if name == 'checkout' else 'request'}, "
              f"{queries.count} queries")
        if timer.held:
            print(f"{'':<16} order-number lock held: {common.latency_summary(timer.held)}")
        if options.top:
            print_profile(run, options)
    print(f"{common.load_average()} at the end")


def build_targets() -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from storefront import LANGUAGE_PREFIX, VirtualCustomer

    from comptoir.catalog.models import Category, Product
    from comptoir.core.testing import sign_in_verified
    from comptoir.customers.models import Customer
    from comptoir.orders.models import Order
    from comptoir.shipping.models import DeliveryMethod

    product = Product.objects.filter(is_visible=True, image="").order_by("id")[
        Product.objects.filter(is_visible=True).count() // 2]
    Product.objects.filter(pk=product.pk, stock__lt=10_000).update(stock=1_000_000)
    category = Category.objects.filter(is_visible=True, products__isnull=False).order_by("id").first()
    staff = get_user_model().objects.filter(is_superuser=True).order_by("id").first()
    if staff is None:
        staff = get_user_model().objects.create_superuser("profile-staff", "profile@example.com", "x")
    back_office = sign_in_verified(Client(), staff)
    order = Order.objects.order_by("number")[Order.objects.count() // 2]
    customer = Customer.objects.order_by("id").first()
    method = DeliveryMethod.objects.get(kind="shipped", is_active=True)
    browser = Client()
    browser.get(f"{LANGUAGE_PREFIX}/produit/{product.slug}/")  # a visitor who keeps the CSRF cookie
    counter = [0]

    def get(client, path):
        def run():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        return run

    def checkout():
        counter[0] += 1
        if not VirtualCustomer(Client(), method.pk, number=counter[0], test_client=True).buy(
                product.slug, 1, before_confirm=lambda: None):
            raise RuntimeError("checkout refused")

    return {
        "product": get(Client(), f"{LANGUAGE_PREFIX}/produit/{product.slug}/"),
        "product_cached": get(browser, f"{LANGUAGE_PREFIX}/produit/{product.slug}/"),
        "category": get(Client(), f"{LANGUAGE_PREFIX}/categorie/{category.slug}/"),
        "home": get(Client(), f"{LANGUAGE_PREFIX}/"),
        "order_list": get(back_office, f"{LANGUAGE_PREFIX}/gestion/commandes/"),
        "order_page": get(back_office, f"{LANGUAGE_PREFIX}/gestion/commandes/{order.number}/"),
        "customer_email": get(back_office, f"{LANGUAGE_PREFIX}/gestion/clients/?q={customer.email}"),
        "checkout": checkout,
    }


def print_profile(run, options) -> None:
    profiler = cProfile.Profile(time.process_time)  # CPU time: other load hardly changes it
    profiler.enable()
    for _ in range(options.repeat):
        run()
    profiler.disable()
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(options.top)
        text = out.getvalue()
        print("    " + "\n    ".join(text[text.find("ncalls"):].rstrip().splitlines()))


if __name__ == "__main__":
    main()
