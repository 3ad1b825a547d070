"""Storefront benchmark: pages per second, orders per second, queries, memory of a web worker.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/comptoir_bench python bench/storefront.py

Uses its own PostgreSQL database (created if missing; default ``comptoir_bench``), loads the
demo shop, starts gunicorn with 2 workers (the settings of ``comptoir/gunicorn_conf.py``) on a
free port of 127.0.0.1 and loads it from this machine only (bounded in time and count): pages
with wrk when it is installed (the Debian package ``wrk``), else with a Python client; checkouts
with Python threads.
Prints the figures; asserts nothing about time.
Targets on 2 cores: product page ≥ 300 req/s, ≥ 30 orders/s with ≤ 40 queries per order,
zero oversell, a web worker under 150 MB.
"""

import argparse
import asyncio
import http.client
import re
import shutil
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

LANGUAGE_PREFIX = "/fr"
CUSTOMER = {
    "contact-email": "bench.{n}@example.com", "contact-phone": "514 555-0100",
    "billing-first_name": "Client", "billing-last_name": "Banc d'essai {n}",
    "billing-line1": "1000, rue Sherbrooke Ouest", "billing-city": "Montréal",
    "billing-province": "QC", "billing-postal_code": "H3A 1G1",
    "choice-same_as_billing": "on", "choice-payment_method": "cheque",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10, help="duration of each page load")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent page requests")
    parser.add_argument("--checkout-seconds", type=float, default=20, help="duration of the checkout load")
    parser.add_argument("--customers", type=int, default=8, help="concurrent virtual customers")
    parser.add_argument("--threads", type=int, default=None,
                        help="gunicorn threads per worker (1: sync workers; more: gthread workers; "
                             "default: the settings of comptoir/gunicorn_conf.py)")
    parser.add_argument("--python-client", action="store_true",
                        help="load the pages with the Python client even when wrk is installed")
    parser.add_argument("--products", type=int, default=2000,
                        help="catalogue size: the demo shop grown to this many products in 20 "
                             "categories (database comptoir_bench_<N>); 0: the demo shop alone")
    options = parser.parse_args()

    common.prepare_environment(f"comptoir_bench_{options.products}" if options.products else "comptoir_bench")
    common.manage("migrate", "--noinput", "-v", "0")
    common.manage("load_demo_data", "--no-orders")
    common.manage("collectstatic", "--noinput", "-v", "0")
    import django

    django.setup()
    print(f"Machine: {common.machine_description()}, {common.postgres_version()}, "
          f"{common.load_average()} at the start")
    product, category, method_pk = prepare_catalogue(options.products)
    product_path = f"{LANGUAGE_PREFIX}/produit/{product.slug}/"
    category_path = f"{LANGUAGE_PREFIX}/categorie/{category.slug}/"

    print("\nQueries (Django test client): rendered / kept page (a first visit, core.page_cache)")
    for label, path in (("home page", f"{LANGUAGE_PREFIX}/"), ("category page", category_path),
                        ("product page", product_path)):
        print(f"  {label:<34} {count_page_queries(path)}")
    flow_queries, confirm_queries = count_checkout_queries(product.slug, method_pk)
    print(f"  {'complete checkout (5 requests)':<34} {flow_queries}")
    print(f"  {'confirmation request (place_order)':<34} {confirm_queries}")
    print_in_process_cpu(product_path, product.slug, method_pk)

    wrk = None if options.python_client else shutil.which("wrk")
    with common.Gunicorn(workers=2, threads=options.threads) as server:
        print(f"\nPages: gunicorn, {server.description}; {options.concurrency} concurrent clients, "
              f"{options.seconds:.0f} s each, load generator: {'wrk' if wrk else 'Python (asyncio)'}")
        for label, path in (("product page", product_path), ("category page", category_path)):
            before = server_cpu(server)
            if wrk:
                summary, count = wrk_page(wrk, server.base_url + path, options)
            else:
                rate, latencies, errors = asyncio.run(
                    load_page(server.port, path, seconds=options.seconds, concurrency=options.concurrency)
                )
                summary = f"{rate:7.1f} req/s, {common.latency_summary(latencies)}, errors: {errors}"
                count = len(latencies) + errors
            print(f"  {label:<14} {summary}")
            print(f"  {'':<14} {cpu_per(before, server_cpu(server), count, 'request')}")
        run_checkouts(server, product.slug, method_pk, options)
        check_oversell(server.base_url, method_pk, options.customers)
        print(f"\nPeak memory of a web worker (VmHWM): {server.worker_peak_rss_mb():.0f} MB")


def prepare_catalogue(products: int):
    from seed import seed_catalogue

    from comptoir.catalog.models import Category, Product
    from comptoir.shipping.models import DeliveryMethod

    if products:
        seed_catalogue(products)
    # Large stock: the load measures checkout, not running out (oversell is checked apart).
    Product.objects.update(stock=1_000_000)
    if products:  # a generated product (no picture) and category, from the middle of the catalogue
        generated = Product.objects.filter(sku__startswith="GEN").order_by("id")
        product = generated[generated.count() // 2]
        category = product.category
    else:
        product = Product.objects.get(sku="ERA-001")
        category = Category.objects.get(slug="erable")
    print(f"Catalogue: {Product.objects.count()} products in {Category.objects.count()} categories")
    method = DeliveryMethod.objects.get(kind="shipped")
    return product, category, method.pk


def count_page_queries(path: str) -> str:
    from django.core.cache import cache
    from django.test import Client

    Client().get(path)  # warm caches (translations, templates, shop settings)
    counts = []
    for _kept in (False, True):
        if not _kept:
            cache.clear()
        with common.QueryCounter() as queries:
            response = Client().get(path)
        assert response.status_code == 200, (path, response.status_code)
        counts.append(str(queries.count))
    return " / ".join(counts)


def print_in_process_cpu(product_path: str, slug: str, method_pk: int, repeat: int = 20) -> None:
    """CPU time of this process per page and per checkout (Django test client, no network), and
    the time the order-number lock is held per checkout: from the statement that takes the order
    number (it locks the counter's row) to the end of the commit."""
    from django.core.cache import cache
    from django.test import Client

    def cpu_ms(run) -> float:
        run()
        started = time.process_time()
        for _ in range(repeat):
            run()
        return (time.process_time() - started) * 1000 / repeat

    visitor = Client()

    def first_visit():  # no cookie: a new CSRF cookie each time
        visitor.cookies.clear()
        visitor.get(product_path)

    def rendered():
        cache.clear()
        first_visit()

    print(f"\nIn process (Django test client), CPU time of this process, mean of {repeat}")
    print(f"  product page, rendered            {cpu_ms(rendered):6.2f} ms")
    print(f"  product page, kept (first visit)  {cpu_ms(first_visit):6.2f} ms")
    numbers = [0]

    def checkout():
        numbers[0] += 1
        VirtualCustomer(Client(), method_pk, number=numbers[0], test_client=True).buy(
            slug, 1, before_confirm=lambda: None)

    with common.LockHoldTimer() as timer:
        per_order = cpu_ms(checkout)
    held = timer.held[-repeat:]
    print(f"  complete checkout (5 requests)    {per_order:6.2f} ms")
    print(f"  order-number lock held per checkout: {common.latency_summary(held)}")


def server_cpu(server) -> tuple[dict, dict]:
    return common.cpu_seconds(server.worker_pids()), common.cpu_seconds(common.database_backend_pids())


def cpu_per(before, after, count: int, unit: str) -> str:
    if not count:
        return "no request"
    workers = _used_since(before[0], after[0]) / count * 1000
    database = _used_since(before[1], after[1]) / count * 1000
    return f"CPU time per {unit}: web workers {workers:.2f} ms, PostgreSQL {database:.2f} ms"


def count_checkout_queries(slug: str, method_pk: int) -> tuple[int, int]:
    """Queries of one complete checkout, and of its confirmation request alone."""
    from django.test import Client

    customer = VirtualCustomer(Client(), method_pk, number=0, test_client=True)
    with common.QueryCounter() as flow:
        placed = customer.buy(slug, 1, before_confirm=lambda: None)
    if not placed:  # a count of a refused confirmation would mean nothing
        raise RuntimeError("The checkout counted did not place its order")
    return flow.count, customer.confirm_queries


class VirtualCustomer:
    """One customer: add to cart, fill in the details, review, confirm (light client or test client)."""

    TOKEN = re.compile(r'name="checkout_token" value="([0-9a-f]+)"')
    TOTAL = re.compile(r'name="expected_total" value="([0-9.]+)"')

    def __init__(self, client, method_pk: int, *, number: int, test_client: bool = False,
                 payment_method: str = "cheque"):
        self.client = client
        self.method_pk = method_pk
        self.number = number
        self.test_client = test_client
        self.payment_method = payment_method
        self.confirm_queries = 0
        self.location = ""  # where the confirmation sent the customer

    def _post(self, path: str, data: dict):
        if not self.test_client:  # the test client does not check CSRF tokens
            data = {**data, "csrfmiddlewaretoken": self.client.cookies["csrftoken"]}
        return self.client.post(path, data=data)

    def buy(self, slug: str, quantity: int, *, before_confirm) -> bool:
        """Returns True when the order was placed (redirect to its confirmation page)."""
        self.client.get(f"{LANGUAGE_PREFIX}/produit/{slug}/")
        self._post(f"{LANGUAGE_PREFIX}/produit/{slug}/ajouter/", {"quantity": quantity})
        details = {key: value.format(n=self.number) for key, value in CUSTOMER.items()}
        details["choice-delivery_method"] = self.method_pk
        details["choice-payment_method"] = self.payment_method
        self._post(f"{LANGUAGE_PREFIX}/caisse/", details)
        page = self.client.get(f"{LANGUAGE_PREFIX}/caisse/verification/")
        text = page.text if not self.test_client else page.content.decode()
        form = {"checkout_token": self.TOKEN.search(text).group(1),
                "expected_total": self.TOTAL.search(text).group(1)}
        before_confirm()
        if self.test_client:
            with common.QueryCounter() as queries:
                answer = self._post(f"{LANGUAGE_PREFIX}/caisse/verification/", form)
            self.confirm_queries = queries.count
            location = answer.get("Location", "")
        else:
            answer = self._post(f"{LANGUAGE_PREFIX}/caisse/verification/", form)
            location = answer.headers.get("location", "")
        self.location = location
        return answer.status_code == 302 and "/merci/" in location


def wrk_page(wrk: str, url: str, options) -> tuple[str, int]:
    """Load ``url`` with wrk (2 threads, keep-alive connections), bounded in time; its summary and
    the number of requests."""
    output = subprocess.run(
        [wrk, "-t2", f"-c{options.concurrency}", f"-d{options.seconds:.0f}s", "--latency", url],
        capture_output=True, text=True, check=True, timeout=options.seconds + 60,
    ).stdout
    figures = {}
    for line in output.splitlines():
        parts = line.split()
        if line.startswith("Requests/sec:"):
            figures["rate"] = float(parts[1])
        elif parts[:1] in (["50%"], ["90%"], ["99%"]):
            figures[parts[0]] = parts[1]
        elif "Non-2xx" in line or "Socket errors" in line:
            figures.setdefault("errors", []).append(line.strip())
    count = next((int(line.split()[0]) for line in output.splitlines() if " requests in " in line), 0)
    return (f"{figures.get('rate', 0):7.1f} req/s, p50 {figures.get('50%')}, p90 {figures.get('90%')}, "
            f"p99 {figures.get('99%')}, errors: {'; '.join(figures.get('errors', [])) or 0}"), count


async def load_page(port: int, path: str, *, seconds: float, concurrency: int):
    """GET ``path`` from ``concurrency`` connections at once for ``seconds`` (at most 200,000)."""
    latencies, errors = [], 0
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
    deadline = time.monotonic() + seconds
    budget = [200_000]

    async def client():
        nonlocal errors
        while time.monotonic() < deadline and budget[0] > 0:
            budget[0] -= 1
            started = time.perf_counter()
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(request)
                await writer.drain()
                answer = await reader.read()
                writer.close()
                ok = answer[9:12] == b"200"
            except OSError:
                ok = False
            if ok:
                latencies.append(time.perf_counter() - started)
            else:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return len(latencies) / (time.perf_counter() - started), latencies, errors


class LightClient:
    """A small HTTP client for the virtual customers (standard library, cookies kept): the load
    generator shares the 2 cores with the server, so it must cost as little CPU as possible."""

    def __init__(self, base_url: str, timeout: float = 30):
        parts = urlsplit(base_url)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> "LightResponse":
        return self._request("GET", path, None)

    def post(self, path: str, data: dict) -> "LightResponse":
        return self._request("POST", path, urlencode(data).encode())

    def _request(self, method: str, path: str, body: bytes | None) -> "LightResponse":
        headers = {"Host": f"{self.host}:{self.port}", "Connection": "close",
                   "Cookie": "; ".join(f"{key}={value}" for key, value in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = headers["Referer"] = f"http://{self.host}:{self.port}"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            content = answer.read()
        finally:
            connection.close()
        for header in answer.headers.get_all("Set-Cookie") or ():
            cookie = SimpleCookie(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        return LightResponse(answer.status, answer.headers, content)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


class LightResponse:
    def __init__(self, status: int, headers, content: bytes):
        self.status_code = status
        self.headers = {key.lower(): value for key, value in headers.items()}
        self.content = content

    @property
    def text(self) -> str:
        return self.content.decode()


def run_checkouts(server, slug: str, method_pk: int, options) -> None:
    base_url = server.base_url
    from comptoir.orders.models import Order

    print(f"\nCheckouts: {options.customers} virtual customers for {options.checkout_seconds:.0f} s "
          "(product page, add to cart, details, review, confirm)")
    first_number = Order.objects.order_by("-number").values_list("number", flat=True).first() or 0
    deadline = time.monotonic() + options.checkout_seconds
    placed, failed, durations, lock = [0], [0], [], threading.Lock()

    def customer(number: int):
        with LightClient(base_url, timeout=30) as client:
            buyer = VirtualCustomer(client, method_pk, number=number)
            for _ in range(2_000):
                if time.monotonic() >= deadline:
                    break
                started = time.perf_counter()
                ok = buyer.buy(slug, 1, before_confirm=lambda: None)
                with lock:
                    placed[0] += ok
                    failed[0] += not ok
                    durations.append(time.perf_counter() - started)

    workers_before = common.cpu_seconds(server.worker_pids())
    database_before = common.cpu_seconds(common.database_backend_pids())
    started, cpu_started = time.perf_counter(), time.process_time()
    threads = [threading.Thread(target=customer, args=(n,)) for n in range(options.customers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed, client_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    workers_cpu = _used_since(workers_before, common.cpu_seconds(server.worker_pids()))
    database_cpu = _used_since(database_before, common.cpu_seconds(common.database_backend_pids()))
    in_database = Order.objects.filter(number__gt=first_number).count()
    print(f"  {placed[0] / elapsed:.1f} orders/s ({placed[0]} orders in {elapsed:.1f} s, {failed[0]} failed, "
          f"{in_database} new orders in the database)")
    print(f"  one complete checkout: {common.latency_summary(durations)}")
    print(f"  the virtual customers used {client_cpu / elapsed:.0%} of one core")
    if placed[0]:
        # CPU time per order depends far less than orders/s on what else runs on the machine.
        print(f"  CPU time per order: web workers {workers_cpu / placed[0] * 1000:.1f} ms, "
              f"PostgreSQL {database_cpu / placed[0] * 1000:.1f} ms "
              f"(2 cores give at most {2 / ((workers_cpu + database_cpu) / placed[0]):.0f} orders/s)")


def _used_since(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two readings; a process that started in between counts whole."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def check_oversell(base_url: str, method_pk: int, customers: int) -> None:
    """``customers`` buy 5 each of a product with 20 in stock, confirming at the same moment."""
    from comptoir.catalog.models import Product
    from comptoir.orders.models import OrderLine

    product = Product.objects.get(sku="CER-003")
    Product.objects.filter(pk=product.pk).update(stock=20)
    sold_before = sum(OrderLine.objects.filter(product=product).values_list("quantity", flat=True))
    barrier = threading.Barrier(customers, timeout=60)
    results = []

    def customer(number: int):
        with LightClient(base_url, timeout=60) as client:
            buyer = VirtualCustomer(client, method_pk, number=1000 + number)
            results.append(buyer.buy(product.slug, 5, before_confirm=barrier.wait))

    threads = [threading.Thread(target=customer, args=(n,)) for n in range(customers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    product.refresh_from_db()
    sold = sum(OrderLine.objects.filter(product=product).values_list("quantity", flat=True)) - sold_before
    verdict = "zero oversell" if sold <= 20 and product.stock == 20 - sold else "OVERSOLD"
    print(f"\nLast units: {customers} customers want 5 each of 20 in stock → {sum(results)} orders placed, "
          f"{sold} sold, stock left {product.stock}: {verdict}")


if __name__ == "__main__":
    main()
    print(f"\n({common.load_average()} at the end)")
