"""What keeps the task worker running: retry on database errors, heartbeat, stale task recovery.

- ``run_resilient`` runs a loop again after a database error (PostgreSQL restarting, connection
  lost, SQLite disk full): it logs the error, closes the broken connections, waits (1, 2, 4 …
  60 seconds) and goes on; the process never exits because of the database.
- ``beat`` records that a worker is alive (``WorkerHeartbeat``), for ``/readyz`` and the
  back-office banner.
- ``recover_stale_tasks`` ends the task rows left RUNNING by a worker that died (killed, machine
  restarted): marked FAILED, and their message released for a new attempt. The outbox row
  (``Notification``) is what counts: the message is sent again (at-least-once), its task row is
  only bookkeeping.
"""

import logging
import os
import socket
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import DatabaseError, InterfaceError, OperationalError, connections, transaction
from django.utils import timezone

logger = logging.getLogger("comptoir.notifications")

DATABASE_ERRORS = (OperationalError, InterfaceError)
BACKOFF_FIRST_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 60.0
HEALTHY_AFTER_SECONDS = 60.0  # a loop that ran this long without error starts its backoff over
HEARTBEAT_SECONDS = 30
WORKER_UNSEEN_SECONDS = 300  # a worker not seen for 5 minutes is considered gone
FORGET_WORKERS_AFTER = timedelta(days=1)
DELIVERY_TASK_PATH = "comptoir.notifications.tasks.deliver_notification_task"


def close_connections() -> None:
    """Close every open database connection of this thread; a broken one cannot be reused and
    Django opens a new one at the next query."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except DatabaseError:
            pass  # already broken: dropping it is all we wanted


def backoff(delay: float) -> float:
    return min(delay * 2, BACKOFF_MAX_SECONDS)


def run_resilient(loop: Callable[[], object], *, name: str, sleep: Callable[[float], None] = time.sleep,
                  keep_going: Callable[[], bool] = lambda: True):
    """Run ``loop()``; when it stops on a database error, log it, reconnect and run it again after
    an exponential backoff. Returns what ``loop()`` returns when it ends by itself."""
    delay = BACKOFF_FIRST_SECONDS
    while True:
        started = time.monotonic()
        try:
            return loop()
        except DATABASE_ERRORS as error:
            if time.monotonic() - started > HEALTHY_AFTER_SECONDS:
                delay = BACKOFF_FIRST_SECONDS
            logger.warning("%s: database error (%s: %s); reconnecting in %.0f s",
                           name, type(error).__name__, str(error).strip() or "-", delay)
            close_connections()
            if not keep_going():
                return None
            sleep(delay)
            delay = backoff(delay)


def beat(worker_id: str, *, started_at: datetime, now: datetime | None = None) -> None:
    from .models import WorkerHeartbeat

    now = now or timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=now)
    if not updated:
        WorkerHeartbeat.objects.create(
            worker_id=worker_id, hostname=socket.gethostname()[:255], pid=os.getpid(),
            started_at=started_at, seen_at=now,
        )


def last_heartbeat() -> datetime | None:
    from .models import WorkerHeartbeat

    return WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()


def forget_old_workers(now: datetime | None = None) -> int:
    from .models import WorkerHeartbeat

    now = now or timezone.now()
    return WorkerHeartbeat.objects.filter(seen_at__lt=now - FORGET_WORKERS_AFTER).delete()[0]


def recover_stale_tasks(now: datetime | None = None, *, limit: int = 500) -> int:
    """End the RUNNING task rows whose worker is gone; returns how many were recovered.

    A task is stale when its worker has not been seen for ``WORKER_UNSEEN_SECONDS`` (no
    heartbeat row, or an old one), or when it started longer ago than a delivery may last
    (``delivery.CLAIM_SECONDS``) plus that delay. Its message, if still pending, is due at once
    and enqueued again.
    """
    from django_tasks_db.models import DBTaskResult

    from .delivery import CLAIM_SECONDS
    from .models import Notification, WorkerHeartbeat
    from .services import schedule_delivery

    now = now or timezone.now()
    unseen = now - timedelta(seconds=WORKER_UNSEEN_SECONDS)
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gte=unseen).values_list("worker_id", flat=True))
    running = (DBTaskResult.objects.filter(status="RUNNING", started_at__lt=unseen).order_by("started_at")
               .only("id", "worker_ids", "started_at", "task_path", "args_kwargs")[:limit])
    too_old = now - timedelta(seconds=CLAIM_SECONDS + WORKER_UNSEEN_SECONDS)
    stale = [task for task in running
             if not (task.worker_ids and task.worker_ids[-1] in alive) or task.started_at < too_old]
    recovered = 0
    for task in stale:
        with transaction.atomic():
            ended = DBTaskResult.objects.filter(pk=task.pk, status="RUNNING").update(
                status="FAILED", finished_at=now,
                exception_class_path="comptoir.notifications.worker.StaleTask",
                traceback="The worker running this task stopped before it finished "
                          "(no heartbeat); its message, if still pending, was enqueued again.",
            )
            if not ended:
                continue
            recovered += 1
            notification_id = _notification_of(task)
            if notification_id is not None and Notification.objects.filter(
                pk=notification_id, status=Notification.Status.PENDING
            ).update(next_attempt_at=now):
                schedule_delivery(notification_id)
        logger.warning("Task %s was left running by a stopped worker: recovered", task.pk)
    return recovered


def _notification_of(task) -> int | None:
    if task.task_path != DELIVERY_TASK_PATH:
        return None
    args = (task.args_kwargs or {}).get("args") or []
    return args[0] if args and isinstance(args[0], int) else None


class StaleTask(Exception):
    """Recorded on a task row whose worker stopped before the task finished."""
