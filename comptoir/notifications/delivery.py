"""Delivering the outbox: claim a due row, send it with no transaction open, record the outcome.

A delivery attempt claims its row in a short transaction (row lock, still pending, due), pushes
``next_attempt_at`` forward by a lease so a concurrent worker skips it, and commits; then it
sends; then it records SENT, or a retry with exponential backoff, or FAILED. If a worker dies
while sending, the lease expires and the periodic sweep enqueues the row again. A confidential
message (``models.CONFIDENTIAL_TEMPLATES``) loses its body and context once it is SENT.

Delivery is at-least-once: a message that was handed to the SMTP server or the SMS provider but
whose outcome could not be recorded (worker killed, database lost at that moment) is sent again.
Duplicates stay rare: the SMTP timeout waits for the end of DATA as long as RFC 5321 asks
(``EMAIL_TIMEOUT``, 10 minutes), the lease is longer than that, and every attempt of a message
carries the same Message-ID, so mail programs show a duplicate once.

A message whose attempts ran out on temporary errors (server down for hours) is not given up:
it stays FAILED (the back-office shows it) and is tried again every hour
(``FAILED_RETRY_SECONDS``) for ``FAILED_RETRY_DAYS`` days after it was written, and at the next
sweep as soon as another message of its channel goes out. A permanent error (address refused)
is never retried by itself; the merchant can send it again.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import channels
from .models import Notification

logger = logging.getLogger("comptoir.notifications")

MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 60  # 1, 2, 4, 8 … minutes between attempts
BACKOFF_MAX_SECONDS = 6 * 3600
CLAIM_SECONDS = 1800  # longer than a whole SMTP exchange (EMAIL_TIMEOUT 600 s per step) or HTTP call
STALE_AFTER_SECONDS = 120  # a due row nobody picked up within this delay is enqueued again
FAILED_RETRY_SECONDS = 3600  # a message failed on temporary errors is tried again every hour …
FAILED_RETRY_DAYS = 3  # … for this many days after it was written

# What a confidential message keeps of its content once delivered: its subject only.
_FORGOTTEN_CONTENT = {"body_text": "", "body_html": "", "context": {}}

SENT = "sent"
RETRY = "retry"
FAILED = "failed"
SKIPPED = "skipped"


def deliver_notification(notification_id: int, *, now: datetime | None = None,
                         reschedule: bool = True) -> str:
    """One delivery attempt; returns "sent", "retry", "failed" or "skipped".

    ``reschedule`` enqueues a deferred task for the next attempt; ``deliver_pending`` does not
    need one since it finds due rows itself.
    """
    ensure_no_transaction()
    now = now or timezone.now()
    notification = _claim(notification_id, now)
    if notification is None:
        return SKIPPED
    try:
        provider_reference = channels.send(notification)
    except channels.DeliveryError as error:
        return _record_failure(notification_id, error, now=now, reschedule=reschedule)
    except Exception as error:  # a bug must not lose the message: keep it for a later attempt
        logger.exception("Unexpected error while sending notification %s", notification_id)
        failure = channels.RetryableError(f"{type(error).__name__}: {error}")
        return _record_failure(notification_id, failure, now=now, reschedule=reschedule)
    Notification.objects.filter(pk=notification_id).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), next_attempt_at=None,
        last_error="", provider_reference=(provider_reference or "")[:200],
        **(_FORGOTTEN_CONTENT if notification.is_confidential else {}),
    )
    # The channel works again: the messages that failed on temporary errors are due at once.
    Notification.objects.filter(
        status=Notification.Status.FAILED, channel=notification.channel, next_attempt_at__gt=now,
    ).update(next_attempt_at=now)
    return SENT


def deliver_pending(now: datetime | None = None, *, limit: int = 500) -> int:
    """Deliver every due pending notification now; returns how many were sent."""
    now = now or timezone.now()
    due = (
        Notification.objects.filter(status=Notification.Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    outcomes = [deliver_notification(pk, now=now, reschedule=False) for pk in list(due)]
    return outcomes.count(SENT)


def sweep_stale_notifications(now: datetime | None = None, *, limit: int = 500) -> int:
    """Enqueue again the pending rows that are overdue (lost task, crashed worker, backend
    without deferred tasks). Returns how many were enqueued."""
    from .services import schedule_delivery

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=STALE_AFTER_SECONDS)
    stale = Notification.objects.filter(status=Notification.Status.PENDING).filter(
        Q(next_attempt_at__lte=cutoff) | Q(next_attempt_at__isnull=True, created_at__lte=cutoff)
    )
    with transaction.atomic():
        ids = list(stale.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])
        # Marking them due "now" keeps the next sweeps from enqueuing them again at once.
        Notification.objects.filter(pk__in=ids).update(next_attempt_at=now)
        for pk in ids:
            schedule_delivery(pk)
    return len(ids)


def retry_failed_notifications(now: datetime | None = None, *, limit: int = 500) -> int:
    """Enqueue again the FAILED messages whose later attempt is due (temporary errors only, see
    the module's docstring). Returns how many were enqueued."""
    from .services import schedule_delivery

    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Notification.objects.filter(status=Notification.Status.FAILED, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit]
        )
        Notification.objects.filter(pk__in=ids).update(status=Notification.Status.PENDING,
                                                       next_attempt_at=now)
        for pk in ids:
            schedule_delivery(pk)
    if ids:
        logger.info("%s failed message(s) enqueued again", len(ids))
    return len(ids)


def release_claim(notification_id: int, now: datetime | None = None) -> bool:
    """The attempt that claimed this message stopped with its worker: due again at once, and
    enqueued. Returns whether the message was still pending."""
    from .services import schedule_delivery

    now = now or timezone.now()
    with transaction.atomic():
        released = Notification.objects.filter(
            pk=notification_id, status=Notification.Status.PENDING).update(next_attempt_at=now)
        if released:
            schedule_delivery(notification_id)
    return bool(released)


def backoff_delay(attempts: int) -> timedelta:
    seconds = BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, BACKOFF_MAX_SECONDS))


def ensure_no_transaction() -> None:
    """Sending inside a transaction could send a message for a change that then rolls back,
    and holds locks during network I/O. (A test case's own wrapping transaction is allowed.)"""
    connection = transaction.get_connection()
    if any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks):
        raise RuntimeError("Notifications must be delivered outside any database transaction.")


def _claim(notification_id: int, now: datetime) -> Notification | None:
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, status=Notification.Status.PENDING)
            .first()
        )
        if notification is None:
            return None
        if notification.next_attempt_at is not None and notification.next_attempt_at > now:
            return None  # not due yet, or another worker is sending it right now
        notification.attempts += 1
        notification.next_attempt_at = now + timedelta(seconds=CLAIM_SECONDS)
        notification.save(update_fields=["attempts", "next_attempt_at"])
    return notification


def _record_failure(notification_id: int, error: channels.DeliveryError, *, now: datetime,
                    reschedule: bool) -> str:
    from .services import schedule_delivery

    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification_id)
        notification.last_error = str(error)[:2000]
        if error.retryable and notification.attempts < MAX_ATTEMPTS:
            notification.next_attempt_at = now + backoff_delay(notification.attempts)
            outcome = RETRY
        else:
            notification.status = Notification.Status.FAILED
            # Temporary errors: a later attempt, for a few days (retry_failed_notifications).
            retry_until = notification.created_at + timedelta(days=FAILED_RETRY_DAYS)
            notification.next_attempt_at = (
                now + timedelta(seconds=FAILED_RETRY_SECONDS)
                if error.retryable and now < retry_until else None
            )
            outcome = FAILED
        notification.save(update_fields=["last_error", "next_attempt_at", "status"])
        if outcome == RETRY and reschedule:
            schedule_delivery(notification_id, run_after=notification.next_attempt_at)
    log = logger.warning if outcome == RETRY else logger.error
    log("Notification %s not delivered (%s): %s", notification_id, outcome, error)
    return outcome
