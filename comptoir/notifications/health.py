"""The state of the outbox and of the task worker, for ``/readyz`` and the back-office banner.

Three small indexed queries whatever the size of the outbox: the oldest pending message, the
number of failed ones, the newest worker heartbeat.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

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
    from django_tasks.backends.dummy import DummyBackend
    from django_tasks.backends.immediate import ImmediateBackend

    from .tasks import deliver_notification_task

    now = now or timezone.now()
    return OutboxHealth(
        now=now,
        # The database or RQ backend needs ``run_worker``; the immediate one runs tasks at once.
        worker_required=not isinstance(deliver_notification_task.get_backend(),
                                       (ImmediateBackend, DummyBackend)),
        oldest_pending_at=Notification.objects.filter(status=Notification.Status.PENDING)
        .order_by("created_at").values_list("created_at", flat=True).first(),
        failed_count=Notification.objects.filter(status=Notification.Status.FAILED).count(),
        worker_seen_at=WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first(),
    )
