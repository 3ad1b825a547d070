"""``/metrics`` for Prometheus, behind METRICS_TOKEN; request ids and JSON log lines."""

import io
import json
import logging
import logging.config
import re

import pytest
from django.conf import settings as django_settings

from comptoir.checkout.testing import place_test_order
from comptoir.core.logs import json_logging_config
from comptoir.core.testing import make_delivery_methods, make_product, make_shop, make_staff_user
from comptoir.notifications.models import Notification
from comptoir.payments.services import record_payment

pytestmark = pytest.mark.django_db
TOKEN = "a-long-random-metrics-token"


@pytest.fixture
def metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN


def scrape(client) -> dict[str, float]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    values = {}
    for line in response.content.decode().splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            values[name] = float(value)
    return values


def test_without_a_configured_token_there_is_no_endpoint(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x"])
def test_a_missing_or_wrong_token_is_refused(client, metrics_token, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/metrics", **extra)
    assert response.status_code == 401
    assert b"comptoir_" not in response.content


def test_counters_move_when_an_order_is_placed_and_paid(client, metrics_token):
    make_shop()
    make_delivery_methods()
    before = scrape(client)

    order = place_test_order([(make_product(), 2)])
    after_order = scrape(client)
    record_payment(order.invoice, method="cheque", actor=make_staff_user())
    after_payment = scrape(client)

    assert after_order["comptoir_orders_placed_total"] == before["comptoir_orders_placed_total"] + 1
    cheques = 'comptoir_payments_recorded_total{method="cheque"}'
    assert after_payment[cheques] == after_order.get(cheques, 0) + 1


def test_the_outbox_depth_age_and_failures_are_reported(client, metrics_token):
    Notification.objects.create(channel="email", template="t", recipient="a@b.test", dedupe_key="one",
                                status="pending", attempts=2)
    Notification.objects.create(channel="email", template="t", recipient="a@b.test", dedupe_key="two",
                                status="failed", attempts=5)
    Notification.objects.create(channel="email", template="t", recipient="a@b.test", dedupe_key="three",
                                status="sent", attempts=1)

    values = scrape(client)

    assert values["comptoir_outbox_pending"] == 1
    assert values["comptoir_outbox_failed"] == 1
    assert values["comptoir_outbox_oldest_pending_age_seconds"] >= 0
    assert values["comptoir_delivery_failures_total"] == 7  # 2 + 5 failed attempts, 1 success


def test_the_workers_heartbeat_is_reported(client, metrics_token):
    from datetime import timedelta

    from django.utils import timezone

    from comptoir.notifications.worker import beat

    values = scrape(client)
    assert values["comptoir_workers_alive"] == 0
    assert "comptoir_worker_heartbeat_age_seconds" not in values  # no worker ever seen

    now = timezone.now()
    beat("gone", started_at=now - timedelta(hours=1), now=now - timedelta(minutes=10))
    values = scrape(client)
    assert values["comptoir_workers_alive"] == 0
    assert 600 <= values["comptoir_worker_heartbeat_age_seconds"] < 660

    beat("node-1", started_at=now, now=now)
    beat("node-2", started_at=now, now=now)
    values = scrape(client)
    assert values["comptoir_workers_alive"] == 2
    assert values["comptoir_worker_heartbeat_age_seconds"] < 60


def test_request_latency_is_counted_by_view_method_and_status_class(client, metrics_token):
    make_shop()
    key = ('comptoir_http_request_duration_seconds_count'
           '{method="GET",status="2xx",view="storefront:home"}')
    before = scrape(client).get(key, 0)

    assert client.get("/fr/").status_code == 200

    assert scrape(client)[key] == before + 1


def test_the_request_id_of_the_proxy_is_kept_and_a_bad_one_replaced(client):
    make_shop()
    kept = client.get("/fr/", HTTP_X_REQUEST_ID="proxy-1234abcd")
    assert kept["X-Request-ID"] == "proxy-1234abcd"

    replaced = client.get("/fr/", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert re.fullmatch(r"[0-9a-f]{32}", replaced["X-Request-ID"])
    assert client.get("/fr/")["X-Request-ID"] != replaced["X-Request-ID"]


@pytest.fixture
def json_logs(settings):
    settings.LOG_FORMAT = "json"
    stream = io.StringIO()
    logging.config.dictConfig(json_logging_config("INFO", stream=stream))
    yield stream
    logging.config.dictConfig(django_settings.LOGGING)


def test_json_log_lines_carry_the_request_id(client, json_logs):
    make_shop()
    response = client.get("/fr/", HTTP_X_REQUEST_ID="lb-request-0042")

    lines = [json.loads(line) for line in json_logs.getvalue().splitlines()]
    access = [line for line in lines if line["logger"] == "comptoir.access"]
    assert response["X-Request-ID"] == "lb-request-0042"
    assert len(access) == 1
    assert access[0]["request_id"] == "lb-request-0042"
    assert (access[0]["status"], access[0]["path"], access[0]["level"]) == (200, "/fr/", "INFO")
