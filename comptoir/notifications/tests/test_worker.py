"""``manage.py run_worker``: the database task worker plus the outbox sweep."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comptoir.notifications import delivery
from comptoir.notifications.models import Notification

from .helpers import queue_test_email

PROJECT_DIR = Path(__file__).resolve().parents[3]


@pytest.fixture
def restore_signals():
    """The worker installs its Ctrl-C handlers; give pytest its own back afterwards."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def run_worker_batch():
    call_command("run_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_a_queued_message(smtp_server, restore_signals):
    notification = queue_test_email()

    run_worker_batch()

    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert len(smtp_server.messages) == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_after_an_outage_the_sweep_and_the_worker_deliver_once(smtp_server, restore_signals):
    smtp_server.stop()
    notification = queue_test_email()

    run_worker_batch()  # the attempt fails; a deferred retry task is enqueued

    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.PENDING, 1)
    retry_task = DBTaskResult.objects.get(status="READY")
    assert retry_task.run_after == notification.next_attempt_at

    smtp_server.start()
    # Time passes: the row is overdue (say the retry task was lost); the sweep enqueues it again.
    overdue = timezone.now() - timedelta(seconds=delivery.STALE_AFTER_SECONDS + 1)
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=overdue)
    run_worker_batch()

    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert len(smtp_server.messages) == 1

    # The original retry task finally runs: the message is not pending any more, nothing is sent.
    DBTaskResult.objects.filter(pk=retry_task.pk).update(run_after=timezone.now())
    run_worker_batch()
    assert len(smtp_server.messages) == 1
    assert DBTaskResult.objects.get(pk=retry_task.pk).return_value == "skipped"


def wait_for_periodic_jobs(database, names: set, seconds: float = 30) -> bool:
    import sqlite3

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.closing(sqlite3.connect(database, timeout=5)) as connection:
            done = {name for (name,) in connection.execute(
                "SELECT name FROM operations_periodicjob WHERE status = 'done'")}
        if names <= done:
            return True
        time.sleep(0.3)
    return False


def test_one_ctrl_c_stops_the_worker_cleanly(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
           "COMPTOIR_VAR_DIR": str(tmp_path), "DEBUG": "false", "PYTHONUNBUFFERED": "1"}
    manage = [sys.executable, str(PROJECT_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "--verbosity=0"], env=env, check=True, timeout=240)

    worker = subprocess.Popen(
        [*manage, "run_worker", "--no-reload", "--interval=0.2", "--sweep-interval=0.2",
         "--no-startup-delay"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        for _line in range(20):  # skip any warning printed before the worker starts
            line = worker.stdout.readline()
            if not line or "Starting worker" in line:
                break
        assert "Starting worker" in line
        time.sleep(1)  # a few idle polls and sweeps
        # Its side thread runs the periodic jobs due (on a new database: all of them, once).
        assert wait_for_periodic_jobs(tmp_path / "worker.sqlite3", {"housekeeping", "daily_sales"})
        worker.send_signal(signal.SIGINT)
        assert worker.wait(timeout=15) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
