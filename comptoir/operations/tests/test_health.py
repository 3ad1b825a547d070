"""``/healthz`` and ``/readyz``: JSON for monitoring, outside the language prefixes, no session,
constant queries; 503 when the database, the outbox or the task worker is in trouble."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comptoir.notifications.models import Notification, WorkerHeartbeat
from comptoir.notifications.tests.helpers import queue_test_email

pytestmark = pytest.mark.django_db


def beat(seconds_ago: float = 0) -> None:
    seen = timezone.now() - timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.update_or_create(worker_id="w1", defaults={"started_at": seen, "seen_at": seen})


@pytest.fixture
def database_down():
    """The database server cannot be reached: the connection points to nowhere (a closed port for
    PostgreSQL, a file in a missing folder for SQLite), then is put back."""
    saved = dict(connection.settings_dict)
    saved_connection = None
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        saved_connection, connection.connection = connection.connection, None  # close() keeps it
    else:
        connection.close()
    if connection.vendor == "postgresql":
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            closed_port = sock.getsockname()[1]
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port))
    else:
        connection.settings_dict["NAME"] = "/nonexistent-folder/comptoir.sqlite3"
    yield
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)
    if saved_connection is not None:
        connection.connection = saved_connection
    else:
        connection.close()


def test_healthz_answers_ok_without_session_or_language_prefix(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "Set-Cookie" not in str(response.cookies) and not response.cookies
    assert "no-store" in response["Cache-Control"]  # never kept by a cache


@pytest.mark.django_db(transaction=True)
def test_healthz_and_readyz_answer_503_when_the_database_is_down(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}
    assert client.get("/readyz").status_code == 503


def test_readyz_reports_the_outbox_and_the_worker(client):
    beat(seconds_ago=10)
    queue_test_email()
    failed = queue_test_email(key="test:failed", recipient="nobody@example.test")
    Notification.objects.filter(pk=failed.pk).update(status=Notification.Status.FAILED)

    response = client.get("/readyz")

    assert response.status_code == 200  # a failed message is reported, not a reason to go off line
    body = response.json()
    assert body["status"] == "ok" and body["problems"] == []
    assert body["outbox"]["failed"] == 1
    assert 0 <= body["outbox"]["oldest_pending_seconds"] < 60
    assert 10 <= body["worker"]["seconds_since_heartbeat"] < 70


def test_readyz_answers_503_when_the_worker_has_not_been_seen_for_5_minutes(client):
    assert client.get("/readyz").json()["problems"] == ["worker_unseen"]  # never seen
    beat(seconds_ago=301)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["problems"] == ["worker_unseen"]


def test_readyz_answers_503_when_a_message_waits_for_more_than_15_minutes(client):
    beat()
    notification = queue_test_email()
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["problems"] == ["outbox_stuck"]
    assert response.json()["outbox"]["oldest_pending_seconds"] >= 16 * 60


def test_readyz_runs_the_same_queries_whatever_the_size_of_the_outbox(client):
    beat()
    queue_test_email()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get("/readyz")
        return len(captured)

    few = queries()
    for n in range(30):
        queue_test_email(key=f"test:{n}")
    Notification.objects.filter(pk__in=Notification.objects.values("pk")[:10]).update(status="failed")
    assert queries() == few <= 4


def test_no_worker_is_required_when_messages_are_delivered_in_the_web_process(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": []}}
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["problems"] == []
