"""Real concurrency on PostgreSQL: several workers, one message, one delivery."""


import pytest

from comptoir.core.testing import run_together, split_outcomes
from comptoir.notifications.delivery import deliver_notification
from comptoir.notifications.models import Notification

from .helpers import queue_test_email

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def call_together(function, count=4):
    results, errors = split_outcomes(run_together(count, lambda _index: function()))
    assert errors == []
    return results


def test_workers_racing_for_the_same_message_send_it_once(smtp_server):
    notification = queue_test_email()

    outcomes = call_together(lambda: deliver_notification(notification.pk))

    assert sorted(outcomes) == ["sent", "skipped", "skipped", "skipped"]
    assert len(smtp_server.messages) == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.SENT, 1)


def test_concurrent_queueing_with_one_dedupe_key_records_one_message():
    rows = call_together(lambda: queue_test_email(key="order:7:placed:customer").pk)

    assert len(set(rows)) == 1
    assert Notification.objects.count() == 1
