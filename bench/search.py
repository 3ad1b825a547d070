"""Storefront search benchmark: the catalogue search with 100,000 products on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/comptoir_bench_search python bench/search.py

Uses its own PostgreSQL database (created again at each run unless ``--keep``): loads the demo
shop, adds 200 categories and products in bulk up to ``--products`` (names and descriptions of
made-up words with the demo catalogue's real words here and there, with the folded search
columns written as ``Product.save`` writes them), then measures the search page through
Django's test client for a few typical searches (accents, plural, SKU, two words, no match):
p50 and p95 of the whole page, its number of queries, and the execution time of the search
query alone (``EXPLAIN ANALYZE``). Prints the figures; asserts nothing about time.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

WORDS = ("érable", "café", "thé", "confiture", "chocolat", "savon", "bleuets", "fraises", "moulu",
         "biologique", "équitable", "noir", "vert", "tasse", "bol", "lavande", "miel", "sirop",
         "plateau", "mile-end", "torréfié", "grains", "infusion", "caramel", "argile", "ambre")
SYLLABLES = ("ba", "lo", "mi", "ré", "ta", "né", "ko", "vu", "ché", "pa", "gri", "sou", "fè", "da")


def vocabulary_word(generator) -> str:
    """A catalogue word: one of the demo's real words one time in 40 (so that « érable » matches
    about a thousand of 100,000 products, as in a large real catalogue), otherwise a made-up one."""
    if generator.random() < 1 / 40:
        return generator.choice(WORDS)
    return "".join(generator.choice(SYLLABLES) for _ in range(3))


SEARCHES = ("erable", "ÉRABLES", "cafe moulu", "sirop d'érable", "BENCH-054321", "kumquat")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="reuse the database of a previous run")
    options = parser.parse_args()

    common.demo_shop_database("comptoir_bench_search", keep=options.keep)
    seed_products(options.products)
    measure(options.repeat)


def seed_products(total: int) -> None:
    from django.db import connection

    from comptoir.catalog.models import Category, Product
    from comptoir.catalog.search import product_search_columns

    missing = total - Product.objects.count()
    if missing <= 0:
        return
    started = time.perf_counter()
    generator = random.Random(7)
    Category.objects.bulk_create(
        [Category(name_fr=f"Rayon {vocabulary_word(generator)} {number}", slug=f"rayon-{number}",
                  position=100 + number) for number in range(200)],
        ignore_conflicts=True,
    )
    categories = list(Category.objects.filter(slug__startswith="rayon-"))
    batch = []
    start = Product.objects.count()
    for index in range(start, start + missing):
        words = [vocabulary_word(generator) for _ in range(3)]
        product = Product(
            category=categories[index % len(categories)], sku=f"BENCH-{index:06d}", slug=f"bench-{index}",
            name_fr=" ".join(words).capitalize(), name_en=" ".join(reversed(words)).capitalize(),
            description_fr=" ".join(vocabulary_word(generator) for _ in range(12)),
            price_amount="9.95", stock=10, position=1000 + index,
        )
        for name, value in product_search_columns(product, product.category).items():
            setattr(product, name, value)
        batch.append(product)
        if len(batch) == 5000:
            Product.objects.bulk_create(batch)
            batch = []
    Product.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_product")
    print(f"Seeded {missing:,} products in {time.perf_counter() - started:.1f} s "
          f"({Product.objects.count():,} in all)")


def measure(repeat: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()  # the response's context (the number of results)
    client = Client()
    import re

    from comptoir.catalog.selectors import search_products

    print(f"\n{'search':<18} {'results':>8} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'SQL ms':>8}")
    for text in SEARCHES:
        client.get("/fr/recherche/", {"q": text})  # warm
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get("/fr/recherche/", {"q": text})
            timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/fr/recherche/", {"q": text})
        count = response.context["page"].paginator.count
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        plan = search_products(text)[:24].explain(analyze=True)
        sql_ms = float(re.search(r"Execution Time: ([0-9.]+) ms", plan).group(1))
        print(f"{text:<18} {count:>8,} {statistics.median(timings):>8.1f} {p95:>8.1f} {len(queries):>8}"
              f" {sql_ms:>8.1f}")


if __name__ == "__main__":
    main()
