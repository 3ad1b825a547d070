"""Cluster benchmark: two web nodes behind nginx, two RQ task workers, Redis, S3, PayPal simulator.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/comptoir_cluster python bench/cluster.py

Starts on 127.0.0.1, all from this machine: its own PostgreSQL database (dropped and created
again; default ``comptoir_cluster``), the demo shop, 2 web nodes (gunicorn, the settings of
``comptoir/gunicorn_conf.py``, each on its own port), nginx as the load balancer (round robin,
a generated configuration), 2 task workers (``manage.py run_worker`` with ``TASKS_BACKEND=rq``)
on the Redis of ``--redis-url`` (its database is emptied), a local S3-compatible server (moto;
``MEDIA_STORAGE_URL``), the PayPal simulator (which posts its webhooks through the load
balancer) and an SMTP server that keeps every message.

Then, with virtual customers (guest checkouts; one purchase in ``--paypal-every`` pays on the
PayPal simulator, the others by cheque):

1. orders per second with 1 web node behind nginx, then with 2;
2. a run of ``--seconds`` during which one web node and one task worker are killed (SIGKILL)
   and started again: failed requests before, during and after;
3. the last units of a product bought by every customer at once (stock race);

and checks: orders placed, zero oversell (no stock below zero, the race sold at most the stock),
invoice numbers without a gap, every message delivered (SMTP count, duplicates by Message-ID),
each PayPal payment recorded once. Prints the figures; asserts nothing about time.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from backoffice import drop_and_create  # noqa: E402
from storefront import LightClient, VirtualCustomer, check_oversell, prepare_catalogue  # noqa: E402

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/6"
PAY_FORM = re.compile(r'<form method="post" action="([^"]+)" id="pay-form"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="duration of the run with the kills")
    parser.add_argument("--throughput-seconds", type=float, default=20,
                        help="duration of each throughput measurement (1 node, then 2)")
    parser.add_argument("--customers", type=int, default=8, help="concurrent virtual customers")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per web node")
    parser.add_argument("--paypal-every", type=int, default=4, help="one purchase in N pays with PayPal")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help="its database is emptied")
    options = parser.parse_args()
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        sys.exit("nginx is not installed (apt-get install nginx).")

    env = common.prepare_environment("comptoir_cluster")
    drop_and_create(env["DATABASE_URL"])
    import redis

    redis.Redis.from_url(options.redis_url).flushdb()
    run_dir = Path(tempfile.mkdtemp(prefix="comptoir-cluster-"))
    sink = SMTPSink().start()
    store = ObjectStore().start()
    ports = {name: common.free_port() for name in ("lb", "paypal", "node-a", "node-b")}
    lb_url = f"http://127.0.0.1:{ports['lb']}"
    from comptoir.paypal.simulator import CLIENT_ID, CLIENT_SECRET, WEBHOOK_ID

    os.environ.update({
        "TASKS_BACKEND": "rq", "REDIS_URL": options.redis_url, "SITE_URL": lb_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}", "EMAIL_TIMEOUT": "30",
        "PAYPAL_API_BASE": f"http://127.0.0.1:{ports['paypal']}", "PAYPAL_CLIENT_ID": CLIENT_ID,
        "PAYPAL_CLIENT_SECRET": CLIENT_SECRET, "PAYPAL_WEBHOOK_ID": WEBHOOK_ID, "LOG_LEVEL": "ERROR",
        "MEDIA_STORAGE_URL": store.url, **store.credentials,
    })
    common.manage("migrate", "--noinput", "-v", "0")
    common.manage("load_demo_data", "--no-orders")
    common.manage("collectstatic", "--noinput", "-v", "0")
    import django

    django.setup()
    from comptoir.merchant.models import ShopSettings

    ShopSettings.objects.update(paypal_enabled=True)
    product, _category, method_pk = prepare_catalogue()
    print(f"Machine: {common.machine_description()}, {common.postgres_version()}, "
          f"{common.load_average()} at the start")

    processes = []
    simulator = Process("paypal simulator", [sys.executable, "-m", "comptoir.paypal.simulator", "--port",
                                             str(ports["paypal"]), "--webhook-url",
                                             f"{lb_url}/paiements/paypal/webhook/"], run_dir)
    nodes = [WebNode(name, ports[name], options.workers, run_dir) for name in ("node-a", "node-b")]
    workers = [TaskWorker(f"worker-{n}", run_dir) for n in (1, 2)]
    balancer = Nginx(nginx, ports["lb"], run_dir)
    processes = [simulator, *nodes, *workers, balancer]
    try:
        for process in (simulator, *nodes, *workers):
            process.start()
        for node in nodes:
            node.wait_listening()
        simulator.wait_listening(ports["paypal"])
        balancer.start([nodes[0].port])
        print(f"Cluster: nginx on {lb_url} → {len(nodes)} web nodes (gunicorn, {options.workers} workers "
              f"each), {len(workers)} RQ task workers, Redis {options.redis_url}, S3-compatible store "
              f"(moto), PayPal simulator, SMTP server; {options.customers} virtual customers, "
              f"1 purchase in {options.paypal_every} paid with PayPal")

        load = Load(lb_url, ports["paypal"], product.slug, method_pk, options)
        one = load.run(options.throughput_seconds)
        print(f"\nThroughput, 1 web node: {one.rate:.1f} orders/s ({one.placed} orders in "
              f"{one.elapsed:.1f} s, {one.failed_requests} failed requests)")
        balancer.upstream([node.port for node in nodes])
        two = load.run(options.throughput_seconds)
        print(f"Throughput, 2 web nodes: {two.rate:.1f} orders/s ({two.placed} orders in "
              f"{two.elapsed:.1f} s, {two.failed_requests} failed requests)")

        kill_at, restart_at = options.seconds * 0.25, options.seconds * 0.6
        print(f"\nRun of {options.seconds:.0f} s: node-b and worker-2 killed (SIGKILL) at "
              f"{kill_at:.0f} s, started again at {restart_at:.0f} s")
        events = []

        def chaos():
            time.sleep(kill_at)
            events.append(("killed", time.monotonic()))  # requests cut by the kill count as during
            nodes[1].kill()
            workers[1].kill()
            time.sleep(restart_at - kill_at)
            nodes[1].start()
            workers[1].start()
            nodes[1].wait_listening()
            events.append(("node-b back", time.monotonic()))

        chaos_thread = threading.Thread(target=chaos)
        chaos_thread.start()
        run = load.run(options.seconds)
        chaos_thread.join()
        killed_at, back_at = events[0][1], events[1][1]
        before = run.failures_between(run.started, killed_at)
        during = run.failures_between(killed_at, back_at)
        after = run.failures_between(back_at, run.ended)
        print(f"  {run.rate:.1f} orders/s ({run.placed} orders, {run.paypal} paid with PayPal, in "
              f"{run.elapsed:.1f} s); {run.requests} requests, failed: {before} before the kill, "
              f"{during} while node-b was down ({back_at - killed_at:.0f} s), {after} after")
        for reason, count in run.failure_reasons.most_common(5):
            print(f"    {count} × {reason}")

        check_oversell(lb_url, method_pk, options.customers)
        report(sink, workers)
        print(f"  object store: {store.count()} objects (pictures, logo, stored PDFs)")
    finally:
        for process in reversed(processes):
            process.stop()
        sink.stop()
        store.stop()


# --- The parts of the cluster ------------------------------------------------------------------------


class Process:
    """A process of the cluster in its own session, so that a kill takes its children too."""

    def __init__(self, name: str, command: list[str], run_dir: Path):
        self.name, self.command, self.run_dir = name, command, run_dir
        self.process = None

    def start(self):
        log = open(self.run_dir / f"{self.name}.log", "ab")  # noqa: SIM115 (kept by the child)
        self.process = subprocess.Popen(self.command, cwd=common.ROOT, env=dict(os.environ),
                                        stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                        start_new_session=True)
        return self

    def wait_listening(self, port: int, seconds: float = 60):
        import socket

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start (see {self.run_dir / (self.name + '.log')})")

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()


class WebNode(Process):
    def __init__(self, name: str, port: int, workers: int, run_dir: Path):
        self.port = port
        super().__init__(name, [sys.executable, "-m", "gunicorn", "comptoir.wsgi:application", "--config",
                                "python:comptoir.gunicorn_conf", "--bind", f"127.0.0.1:{port}",
                                "--workers", str(workers), "--log-level", "warning"], run_dir)

    def wait_listening(self, port: int | None = None, seconds: float = 60):
        super().wait_listening(self.port, seconds)
        time.sleep(1)  # let every gunicorn worker boot


class TaskWorker(Process):
    def __init__(self, name: str, run_dir: Path):
        super().__init__(name, [sys.executable, str(common.ROOT / "manage.py"), "run_worker", "--no-reload",
                                f"--worker-id={name}", "--sweep-interval=5"], run_dir)


class Nginx(Process):
    """nginx as the load balancer: round robin over the nodes; a node that refuses connections is
    skipped (``proxy_next_upstream error``: a request not yet sent to it goes to the next one)."""

    def __init__(self, binary: str, port: int, run_dir: Path):
        self.port, self.conf = port, run_dir / "nginx.conf"
        super().__init__("nginx", [binary, "-p", str(run_dir), "-c", str(self.conf)], run_dir)

    def start(self, ports: list[int]):
        self._write(ports)
        super().start()
        self.wait_listening(self.port)

    def upstream(self, ports: list[int]):
        self._write(ports)
        os.kill(self.process.pid, signal.SIGHUP)  # reload the configuration
        time.sleep(1)

    def _write(self, ports: list[int]):
        servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in ports)
        user = "user root;\n" if os.geteuid() == 0 else ""
        self.conf.write_text(f"""{user}daemon off;
worker_processes 1;
pid {self.run_dir}/nginx.pid;
error_log {self.run_dir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    upstream comptoir {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{self.port};
        client_max_body_size 10m;
        location / {{
            proxy_pass http://comptoir;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_next_upstream error timeout;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
        }}
    }}
}}
""")


class SMTPSink:
    """An SMTP server that keeps the Message-ID of every message it accepts."""

    def __init__(self):
        self.port = common.free_port()
        self.message_ids: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.message_ids.append(str(message["Message-ID"]))
        return "250 Message accepted for delivery"

    def start(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()


class ObjectStore:
    """A local S3-compatible server (moto, in this process) with one bucket: MEDIA_STORAGE_URL."""

    credentials = {"AWS_ACCESS_KEY_ID": "comptoir-bench", "AWS_SECRET_ACCESS_KEY": "comptoir-bench-secret"}
    bucket = "comptoir-cluster"

    def start(self):
        import logging

        import boto3
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        host, port = self.server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        self.client = boto3.client("s3", endpoint_url=endpoint, region_name="ca-central-1",
                                   aws_access_key_id=self.credentials["AWS_ACCESS_KEY_ID"],
                                   aws_secret_access_key=self.credentials["AWS_SECRET_ACCESS_KEY"])
        self.client.create_bucket(Bucket=self.bucket,
                                  CreateBucketConfiguration={"LocationConstraint": "ca-central-1"})
        self.url = f"s3://{self.bucket}?endpoint_url={endpoint}&region=ca-central-1"
        return self

    def count(self) -> int:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        return sum(page.get("KeyCount", 0) for page in pages)

    def stop(self):
        self.server.stop()


# --- The load ------------------------------------------------------------------------------------


class CountingClient(LightClient):
    """The virtual customers' client, recording each request's time and outcome."""

    def __init__(self, base_url: str, record):
        super().__init__(base_url, timeout=60)
        self.record = record

    def _request(self, method, path, body):
        try:
            answer = super()._request(method, path, body)
        except OSError as error:
            self.record(False, f"{method} {type(error).__name__}")
            raise
        self.record(answer.status_code < 500, f"{method} HTTP {answer.status_code}")
        return answer


class Run:
    def __init__(self):
        self.placed = self.paypal = 0
        self.outcomes: list[tuple[float, bool]] = []
        self.failure_reasons = Counter()
        self.lock = threading.Lock()
        self.started = self.ended = 0.0

    def record(self, ok: bool, what: str):
        with self.lock:
            self.outcomes.append((time.monotonic(), ok))
            if not ok:
                self.failure_reasons[what] += 1

    @property
    def elapsed(self) -> float:
        return self.ended - self.started

    @property
    def rate(self) -> float:
        return self.placed / self.elapsed

    @property
    def requests(self) -> int:
        return len(self.outcomes)

    @property
    def failed_requests(self) -> int:
        return sum(not ok for _, ok in self.outcomes)

    def failures_between(self, start: float, end: float) -> int:
        return sum(not ok and start <= at < end for at, ok in self.outcomes)


class Load:
    def __init__(self, lb_url: str, paypal_port: int, slug: str, method_pk: int, options):
        self.lb_url, self.paypal_port, self.slug, self.method_pk = lb_url, paypal_port, slug, method_pk
        self.options = options
        self.customer_numbers = iter(range(10_000, 10_000_000))
        self.numbers_lock = threading.Lock()

    def run(self, seconds: float) -> Run:
        run = Run()
        deadline = time.monotonic() + seconds

        def customer():
            purchases = 0
            while time.monotonic() < deadline:
                with self.numbers_lock:
                    number = next(self.customer_numbers)
                purchases += 1
                paypal = purchases % self.options.paypal_every == 0
                client = CountingClient(self.lb_url, run.record)
                buyer = VirtualCustomer(client, self.method_pk, number=number,
                                        payment_method="paypal" if paypal else "cheque")
                try:
                    placed = buyer.buy(self.slug, 1, before_confirm=lambda: None)
                    if paypal and "/payer/" in buyer.location:
                        placed = self.pay_on_paypal(client, buyer.location, run)
                except (OSError, AttributeError):  # a failed request (recorded), or a page without its form
                    placed = False
                with run.lock:
                    run.placed += placed
                    run.paypal += placed and paypal

        run.started = time.monotonic()
        threads = [threading.Thread(target=customer) for _ in range(self.options.customers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        run.ended = time.monotonic()
        return run

    def pay_on_paypal(self, client: CountingClient, location: str, run: Run) -> bool:
        """The payment page, « Payer avec PayPal », approval on the simulator, back to the shop."""
        page = client.get(urlsplit(location).path)
        action = PAY_FORM.search(page.text).group(1)
        answer = client.post(action, {"csrfmiddlewaretoken": client.cookies["csrftoken"]})
        approve = answer.headers.get("location", "")
        token = parse_qs(urlsplit(approve).query)["token"][0]
        simulator = CountingClient(f"http://127.0.0.1:{self.paypal_port}", run.record)
        answer = simulator.post("/checkoutnow", {"token": token, "action": "approve"})
        back = urlsplit(answer.headers.get("location", ""))
        answer = client.get(f"{back.path}?{back.query}")
        return answer.status_code == 302 and "/merci/" in answer.headers.get("location", "")


# --- The checks ------------------------------------------------------------------------------------


def report(sink: SMTPSink, workers: list[TaskWorker]) -> None:
    from django.db.models import Count
    from django.utils import timezone

    from comptoir.catalog.models import Product
    from comptoir.invoicing.models import Invoice
    from comptoir.notifications.delivery import CLAIM_SECONDS, STALE_AFTER_SECONDS, deliver_pending
    from comptoir.notifications.models import Notification
    from comptoir.orders.models import Order
    from comptoir.payments.models import Payment
    from comptoir.paypal.models import PayPalCheckout, WebhookEvent

    print("\nChecks")
    orders = Order.objects.count()
    print(f"  orders placed: {orders}")
    negative = Product.objects.filter(stock__lt=0).count()
    print(f"  products with a negative stock: {negative} ({'zero oversell' if not negative else 'OVERSOLD'})")
    numbers = list(Invoice.objects.order_by("number").values_list("number", flat=True))
    gap_free = numbers == list(range(numbers[0], numbers[0] + len(numbers))) if numbers else True
    span = f"{numbers[0]}…{numbers[-1]}" if numbers else "-"
    print(f"  invoices: {len(numbers)}, numbers {span}: {'gap-free' if gap_free else 'GAPS'}")

    # Messages: wait for the workers to drain the outbox.
    deadline = time.monotonic() + 120
    pending = Notification.objects.filter(status=Notification.Status.PENDING)
    while pending.exists() and time.monotonic() < deadline:
        time.sleep(1)
    left = pending.count()
    claimed = pending.filter(next_attempt_at__gt=timezone.now()).count()
    if left:
        # Still pending: messages claimed by the killed worker keep their claim for CLAIM_SECONDS
        # (a delivery's longest possible duration) before another attempt. Deliver them now, as
        # the sweep would once that lease has run out.
        print(f"  {left} message(s) still pending after the run ({claimed} claimed by a worker); "
              f"delivered as after their {CLAIM_SECONDS // 60}-minute claim:")
        deliver_pending(now=timezone.now() + timedelta(seconds=CLAIM_SECONDS + 1))
    delays = Notification.objects.filter(sent_at__isnull=False).values_list("created_at", "sent_at")
    late = sum(1 for created, sent in delays if (sent - created).total_seconds() > STALE_AFTER_SECONDS)
    if late:
        print(f"  {late} message(s) sent over {STALE_AFTER_SECONDS} s after they were written: their task "
              "was lost (a process killed between its commit and the enqueue, or while sending) and the "
              "sweep or the restarted worker enqueued them again")
    statuses = dict(Notification.objects.values_list("status").annotate(count=Count("pk")).order_by())
    received = Counter(sink.message_ids)
    duplicates = sum(count - 1 for count in received.values())
    email_rows = Notification.objects.filter(channel=Notification.Channel.EMAIL)
    sent_emails = email_rows.filter(status=Notification.Status.SENT).count()
    print(f"  messages: {statuses}; emails: {sent_emails} sent, {len(received)} distinct received by the "
          f"SMTP server, {duplicates} duplicate(s)"
          + ("" if not duplicates else " (sent again after a worker was killed between the SMTP "
                                       "server's acceptance and the record of it: at-least-once)"))
    missing = email_rows.filter(status=Notification.Status.SENT).count() - len(received)
    if missing:
        print(f"  MESSAGES NOT RECEIVED: {missing}")

    # Payments: each completed PayPal checkout gives exactly one payment.
    deadline = time.monotonic() + 60
    while WebhookEvent.objects.filter(processed_at__isnull=True).exists() and time.monotonic() < deadline:
        time.sleep(1)
    completed = PayPalCheckout.objects.filter(status=PayPalCheckout.Status.COMPLETED).count()
    paypal_payments = Payment.objects.filter(method=Payment.Method.PAYPAL, amount__gt=0)
    per_invoice = Counter(paypal_payments.values_list("invoice_id", flat=True))
    twice = sum(1 for count in per_invoice.values() if count > 1)
    events = WebhookEvent.objects.count()
    unprocessed = WebhookEvent.objects.filter(processed_at__isnull=True).count()
    verdict = "each payment once" if not twice and completed == len(per_invoice) else "MISMATCH"
    print(f"  PayPal: {completed} checkouts completed, {paypal_payments.count()} payments recorded, "
          f"{twice} invoice(s) paid twice ({verdict}); {events} webhook events stored, "
          f"{unprocessed} not processed")
    print(f"\n({common.load_average()} at the end; logs of the cluster's processes in "
          f"{workers[0].run_dir})")


if __name__ == "__main__":
    main()
