"""Messages are never stuck: failed ones are tried again later, a task left RUNNING by a dead
worker is recovered, the worker records its heartbeat, database errors are waited out."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comptoir.notifications import delivery, worker
from comptoir.notifications.models import Notification, WorkerHeartbeat

from .helpers import queue_test_email
from .test_worker import restore_signals, run_worker_batch  # noqa: F401

PROJECT_DIR = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db(transaction=True)


def fail_until_exhausted(notification, now):
    """Every attempt of ``notification`` fails (SMTP server down) until its attempts run out."""
    while True:
        outcome = delivery.deliver_notification(notification.pk, now=now, reschedule=False)
        notification.refresh_from_db()
        if outcome == delivery.FAILED:
            return now
        now = notification.next_attempt_at


def test_a_message_failed_on_temporary_errors_is_sent_later(smtp_server):
    smtp_server.stop()
    notification = queue_test_email()
    now = fail_until_exhausted(notification, timezone.now())
    assert (notification.status, notification.attempts) == (Notification.Status.FAILED, delivery.MAX_ATTEMPTS)
    assert notification.next_attempt_at == now + timedelta(seconds=delivery.FAILED_RETRY_SECONDS)

    # Before the hour: nothing. After it, the sweep enqueues it again and it goes out.
    assert delivery.retry_failed_notifications(now + timedelta(minutes=59)) == 0
    smtp_server.start()
    assert delivery.retry_failed_notifications(now + timedelta(hours=1)) == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    delivery.deliver_pending(now + timedelta(hours=1))
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert len(smtp_server.messages) == 1


def test_the_later_attempts_end_after_a_few_days(smtp_server):
    smtp_server.stop()
    notification = queue_test_email()
    now = fail_until_exhausted(notification, timezone.now())
    later = now + timedelta(days=delivery.FAILED_RETRY_DAYS)
    assert delivery.retry_failed_notifications(later) == 1
    delivery.deliver_pending(later)  # still down
    notification.refresh_from_db()
    assert (notification.status, notification.next_attempt_at) == (Notification.Status.FAILED, None)
    assert delivery.retry_failed_notifications(later + timedelta(days=1)) == 0


def test_a_permanent_error_is_not_retried_by_itself(refusing_smtp_server):
    notification = queue_test_email(recipient="nobody@example.test")
    assert delivery.deliver_notification(notification.pk) == delivery.FAILED
    notification.refresh_from_db()
    assert notification.next_attempt_at is None
    assert delivery.retry_failed_notifications(timezone.now() + timedelta(days=1)) == 0
    assert refusing_smtp_server.messages == []


def test_a_message_that_goes_out_makes_the_failed_ones_of_its_channel_due(smtp_server):
    smtp_server.stop()
    failed = queue_test_email(recipient="first@example.test", key="test:first")
    now = fail_until_exhausted(failed, timezone.now())
    smtp_server.start()
    later = queue_test_email(recipient="second@example.test", key="test:second")
    assert delivery.deliver_notification(later.pk, now=now) == delivery.SENT
    failed.refresh_from_db()
    assert failed.next_attempt_at == now
    assert delivery.retry_failed_notifications(now) == 1


def test_a_task_left_running_by_a_dead_worker_is_recovered(smtp_server, restore_signals):  # noqa: F811
    notification = queue_test_email()
    started = timezone.now() - timedelta(minutes=10)
    # A worker claimed the task and the message, then was killed: no heartbeat for 10 minutes.
    DBTaskResult.objects.update(status="RUNNING", started_at=started, worker_ids=["killed-worker"])
    Notification.objects.filter(pk=notification.pk).update(
        attempts=1, next_attempt_at=started + timedelta(seconds=delivery.CLAIM_SECONDS))
    WorkerHeartbeat.objects.create(worker_id="killed-worker", started_at=started, seen_at=started)

    run_worker_batch()  # its sweep recovers the task, its loop delivers the message

    stale = DBTaskResult.objects.get(worker_ids=["killed-worker"])
    assert stale.status == "FAILED"
    assert stale.exception_class_path == "comptoir.notifications.worker.StaleTask"
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert len(smtp_server.messages) == 1


def test_a_running_task_of_a_live_worker_is_left_alone(smtp_server):
    queue_test_email()
    started = timezone.now() - timedelta(minutes=10)
    DBTaskResult.objects.update(status="RUNNING", started_at=started, worker_ids=["busy-worker"])
    WorkerHeartbeat.objects.create(worker_id="busy-worker", started_at=started, seen_at=timezone.now())
    assert worker.recover_stale_tasks() == 0
    assert DBTaskResult.objects.get().status == "RUNNING"


def test_the_worker_records_its_heartbeat(smtp_server, restore_signals):  # noqa: F811
    before = timezone.now()
    call_command("run_worker", "--batch", "--no-startup-delay", "--no-reload", "--worker-id=w1",
                 verbosity=0)
    heartbeat = WorkerHeartbeat.objects.get()
    assert heartbeat.worker_id == "w1" and heartbeat.pid == os.getpid()
    assert heartbeat.seen_at >= before
    assert worker.last_heartbeat() == heartbeat.seen_at


def test_database_errors_are_waited_out_with_a_growing_delay(caplog):
    calls, pauses = [], []

    def loop():
        calls.append(1)
        if len(calls) <= 3:
            raise OperationalError("the database system is shutting down")
        return "done"

    assert worker.run_resilient(loop, name="Test loop", sleep=pauses.append) == "done"
    assert pauses == [1.0, 2.0, 4.0]
    assert caplog.text.count("Test loop: database error (OperationalError") == 3


def test_the_smtp_timeout_waits_for_the_end_of_data_as_rfc_5321_asks(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "EMAIL_TIMEOUT"}
    env.update(COMPTOIR_VAR_DIR=str(tmp_path), PYTHONPATH=str(PROJECT_DIR),
               DJANGO_SETTINGS_MODULE="comptoir.settings")
    printed = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.EMAIL_TIMEOUT)"],
        env=env, check=True, capture_output=True, text=True, timeout=60).stdout
    assert int(printed) == 600  # RFC 5321 §4.5.3.2.6: 10 minutes for the reply to the final "."
    assert delivery.CLAIM_SECONDS > 600  # a slow acknowledgement is not taken for a lost message
