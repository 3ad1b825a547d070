"""Real concurrency on PostgreSQL: several workers, one message, one delivery."""

import threading

import pytest
from django.db import connection, connections

from comptoir.notifications.delivery import deliver_notification
from comptoir.notifications.models import Notification

from .helpers import queue_test_email

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")


def run_together(function, count=4):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def work():
        try:
            barrier.wait(timeout=10)
            results.append(function())
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    return results


def test_workers_racing_for_the_same_message_send_it_once(smtp_server):
    notification = queue_test_email()

    outcomes = run_together(lambda: deliver_notification(notification.pk))

    assert sorted(outcomes) == ["sent", "skipped", "skipped", "skipped"]
    assert len(smtp_server.messages) == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.SENT, 1)


def test_concurrent_queueing_with_one_dedupe_key_records_one_message():
    rows = run_together(lambda: queue_test_email(key="order:7:placed:customer").pk)

    assert len(set(rows)) == 1
    assert Notification.objects.count() == 1
