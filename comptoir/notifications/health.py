"""The state of the outbox and of the task worker, for ``/readyz`` and the back-office banner.

Three small indexed reads whatever the size of the outbox: the oldest pending message, the
number of failed ones, the newest worker heartbeat; three queries (``outbox_health``), or three
subqueries of a query the back-office makes anyway (``outbox_subqueries``, ``health_from``).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Subquery
from django.utils import timezone

from .models import Notification, WorkerHeartbeat
from .worker import WORKER_UNSEEN_SECONDS

PENDING_STUCK_SECONDS = 15 * 60  # a message still waiting after 15 minutes is stuck


@dataclass(frozen=True)
class OutboxHealth:
    now: datetime
    oldest_pending_at: datetime | None
    failed_count: int
    worker_seen_at: datetime | None
    worker_required: bool = True  # False when messages are delivered without the task worker

    @property
    def oldest_pending_age(self) -> timedelta | None:
        return None if self.oldest_pending_at is None else self.now - self.oldest_pending_at

    @property
    def pending_stuck(self) -> bool:
        age = self.oldest_pending_age
        return age is not None and age > timedelta(seconds=PENDING_STUCK_SECONDS)

    @property
    def worker_unseen(self) -> bool:
        if not self.worker_required:
            return False
        return (self.worker_seen_at is None
                or self.now - self.worker_seen_at > timedelta(seconds=WORKER_UNSEEN_SECONDS))

    @property
    def messages_stuck(self) -> bool:
        return self.pending_stuck or self.failed_count > 0

    @property
    def needs_attention(self) -> bool:
        return self.messages_stuck or self.worker_unseen


def outbox_health(now: datetime | None = None) -> OutboxHealth:
    return OutboxHealth(
        now=now or timezone.now(),
        worker_required=_worker_required(),
        oldest_pending_at=_oldest_pending().first(),
        failed_count=Notification.objects.filter(status=Notification.Status.FAILED).count(),
        worker_seen_at=_worker_seen().first(),
    )


OUTBOX_FIELDS = ("outbox_oldest_pending_at", "outbox_failed_count", "outbox_worker_seen_at")


def outbox_subqueries() -> dict:
    """The reads of ``outbox_health`` as subqueries, to annotate another query with (named
    ``OUTBOX_FIELDS``, which ``health_from`` takes)."""
    failed = (Notification.objects.filter(status=Notification.Status.FAILED).order_by()
              .values("status").annotate(count=Count("pk")).values("count"))
    return {
        "outbox_oldest_pending_at": Subquery(_oldest_pending()[:1]),
        "outbox_failed_count": Subquery(failed),  # no row (None) when none failed
        "outbox_worker_seen_at": Subquery(_worker_seen()[:1]),
    }


def health_from(row: dict, now: datetime | None = None) -> OutboxHealth:
    """The ``OutboxHealth`` of a row annotated with ``outbox_subqueries()``."""
    return OutboxHealth(
        now=now or timezone.now(),
        worker_required=_worker_required(),
        oldest_pending_at=row["outbox_oldest_pending_at"],
        failed_count=row["outbox_failed_count"] or 0,
        worker_seen_at=row["outbox_worker_seen_at"],
    )


def _oldest_pending():
    return (Notification.objects.filter(status=Notification.Status.PENDING)
            .order_by("created_at").values_list("created_at", flat=True))


def _worker_seen():
    return WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True)


def _worker_required() -> bool:
    """The database or RQ backend needs ``run_worker``; the immediate one runs tasks at once."""
    from django_tasks.backends.dummy import DummyBackend
    from django_tasks.backends.immediate import ImmediateBackend

    from .tasks import deliver_notification_task

    return not isinstance(deliver_notification_task.get_backend(), (ImmediateBackend, DummyBackend))
