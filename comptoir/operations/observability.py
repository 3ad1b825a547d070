"""Metrics for Prometheus (``/metrics``), request ids and JSON logs.

``/metrics`` serves, in Prometheus' text format:

- ``comptoir_http_request_duration_seconds``: a histogram of the time to answer each request, by
  view name, method and status class (2xx, 3xx…), measured by :class:`MetricsMiddleware` in the
  web process. Under gunicorn with several worker processes, set ``PROMETHEUS_MULTIPROC_DIR`` to
  an empty folder writable by them (emptied at each start): every process writes its figures there
  and any process answers for all of them.
- figures read from the database at each scrape (so they count what the task workers did too):
  orders placed, payments recorded (by method), outbox depth (pending and failed messages), age
  of the oldest pending message, failed delivery attempts, the task workers' heartbeat (age of
  the newest one, number of workers seen within 5 minutes); for each periodic job
  (``operations.periodic``), the time of its last successful run and its failed runs.

The endpoint answers only with ``Authorization: Bearer <METRICS_TOKEN>``; when no token is
configured it does not exist (404).
"""

import contextvars
import hmac
import logging
import os
import re
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Max, Min, Q, Sum
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

REQUEST_LATENCY = Histogram(
    "comptoir_http_request_duration_seconds", "Time to answer a request, in seconds.",
    ["view", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

access_logger = logging.getLogger("comptoir.access")

# --- Request ids ------------------------------------------------------------------------------
REQUEST_ID_HEADER = "X-Request-ID"
_WELL_FORMED_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$")
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("comptoir_request_id", default="-")


def request_id_of(value: str | None) -> str:
    """The proxy's request id when it is well formed (8 to 128 letters, digits, ``.``, ``_``,
    ``:`` or ``-``), otherwise a new one."""
    if value and _WELL_FORMED_ID.match(value):
        return value
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Gives every log record the id of the request being answered (``-`` outside a request)."""

    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


class RequestIdMiddleware:
    """Takes ``X-Request-ID`` from the proxy or makes one, for the logs, and echoes it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_of(request.headers.get(REQUEST_ID_HEADER))
        token = request_id_var.set(request.request_id)
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request.request_id
            return response
        finally:
            request_id_var.reset(token)


# --- Request latency --------------------------------------------------------------------------
class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration = time.perf_counter() - started
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or "-") if match else "unresolved"
        status = f"{response.status_code // 100}xx"
        REQUEST_LATENCY.labels(view=view, method=_method(request.method), status=status).observe(duration)
        if getattr(settings, "LOG_FORMAT", "text") == "json":
            access_logger.info(
                "%s %s %s", request.method, request.path, response.status_code,
                extra={"method": request.method, "path": request.path, "status": response.status_code,
                       "duration_ms": round(duration * 1000, 1), "view": view},
            )
        return response


def _method(method: str) -> str:
    # A bounded set of label values: any other word a client sends counts as "other".
    return method if method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS") else "other"


# --- Figures read from the database at scrape time --------------------------------------------
class ShopCollector:
    """Each scrape runs seven small queries."""

    def describe(self):
        return []

    def collect(self):
        from comptoir.notifications.models import Notification, WorkerHeartbeat
        from comptoir.notifications.worker import WORKER_UNSEEN_SECONDS
        from comptoir.orders.models import Order
        from comptoir.payments.models import Payment

        orders = CounterMetricFamily("comptoir_orders_placed", "Orders placed.")
        orders.add_metric([], Order.objects.count())
        yield orders

        payments = CounterMetricFamily("comptoir_payments_recorded", "Payments recorded, by method.",
                                       labels=["method"])
        for row in Payment.objects.values("method").annotate(count=Count("pk")).order_by("method"):
            payments.add_metric([row["method"] or "unspecified"], row["count"])
        yield payments

        status = Notification.Status
        outbox = Notification.objects.aggregate(
            pending=Count("pk", filter=Q(status=status.PENDING)),
            failed=Count("pk", filter=Q(status=status.FAILED)),
            sent=Count("pk", filter=Q(status=status.SENT)),
            attempts=Sum("attempts"),
            oldest_pending=Min("created_at", filter=Q(status=status.PENDING)),
        )
        pending = GaugeMetricFamily("comptoir_outbox_pending", "Messages waiting to be delivered.")
        pending.add_metric([], outbox["pending"])
        yield pending
        age = GaugeMetricFamily("comptoir_outbox_oldest_pending_age_seconds",
                                "Age of the oldest message waiting to be delivered (0: none).")
        oldest = outbox["oldest_pending"]
        age.add_metric([], (timezone.now() - oldest).total_seconds() if oldest else 0)
        yield age
        failed = GaugeMetricFamily("comptoir_outbox_failed", "Messages whose delivery failed for good.")
        failed.add_metric([], outbox["failed"])
        yield failed
        # Every attempt of a message but the successful last one of a sent message has failed.
        failures = CounterMetricFamily("comptoir_delivery_failures",
                                       "Failed delivery attempts recorded on the messages.")
        failures.add_metric([], max(0, (outbox["attempts"] or 0) - outbox["sent"]))
        yield failures
        now = timezone.now()
        workers = WorkerHeartbeat.objects.aggregate(
            newest=Max("seen_at"),
            alive=Count("pk", filter=Q(seen_at__gte=now - timedelta(seconds=WORKER_UNSEEN_SECONDS))),
        )
        alive = GaugeMetricFamily("comptoir_workers_alive",
                                  "Task workers whose heartbeat was seen within the last 5 minutes.")
        alive.add_metric([], workers["alive"])
        yield alive
        if workers["newest"] is not None:  # no worker ever seen: no value (alert on absent())
            heartbeat = GaugeMetricFamily("comptoir_worker_heartbeat_age_seconds",
                                          "Seconds since the newest heartbeat of a task worker.")
            heartbeat.add_metric([], max((now - workers["newest"]).total_seconds(), 0))
            yield heartbeat
        yield from _periodic_job_metrics()


def _periodic_job_metrics():
    from .models import PeriodicJob

    succeeded = GaugeMetricFamily(
        "comptoir_periodic_job_last_success_timestamp_seconds",
        "When each periodic job last ran to the end (Unix time; 0: never).", labels=["job"])
    failed = CounterMetricFamily("comptoir_periodic_job_failures", "Failed runs of each periodic job.",
                                 labels=["job"])
    for name, at, failures in PeriodicJob.objects.values_list("name", "succeeded_at", "failures"):
        succeeded.add_metric([name], at.timestamp() if at else 0)
        failed.add_metric([name], failures)
    yield succeeded
    yield failed


_shop_registry = CollectorRegistry(auto_describe=False)
_shop_registry.register(ShopCollector())


def _process_registry():
    multiprocess_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not multiprocess_dir:
        from prometheus_client import REGISTRY

        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=multiprocess_dir)
    return registry


def _authorized(request) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    given = request.headers.get("Authorization", "")
    return given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode())


@never_cache
def metrics_view(request):
    if not getattr(settings, "METRICS_TOKEN", ""):
        raise Http404
    if not _authorized(request):
        response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body = generate_latest(_process_registry()) + generate_latest(_shop_registry)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
