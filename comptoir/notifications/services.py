"""The outbox: record a message in the caller's transaction, deliver it after commit.

``queue_notification`` renders the message in the recipient's language and stores it with its
delivery task; ``delivery.deliver_notification`` (run by the task) sends it once the
transaction has committed. A ``dedupe_key`` that already exists returns the existing row, so
each message of each business event is recorded once; it is delivered at least once (see
``delivery``: an attempt cut off before its outcome was recorded is made again).
"""

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_tasks_db import DatabaseBackend

from comptoir.core.errors import DomainError

from .channels.sms import normalize_phone_number
from .delivery import deliver_notification, deliver_pending, sweep_stale_notifications
from .models import Notification
from .rendering import RenderedMessage, render_message

logger = logging.getLogger("comptoir.notifications")

__all__ = [
    "OutgoingMessage", "queue_notification", "queue_notifications", "requeue_notification",
    "requeue_failed_notifications", "schedule_delivery",
    "deliver_notification", "deliver_pending", "sweep_stale_notifications",
]


@dataclass(frozen=True)
class OutgoingMessage:
    """One email or SMS to record: ``context`` is JSON data; ``attachments`` are
    ``{"filename", "content_type", "path"}`` with ``path`` in the default storage."""

    channel: str
    template: str
    recipient: str
    language: str
    context: dict
    dedupe_key: str
    reference: str = ""
    attachments: tuple = ()
    sender_name: str = ""
    reply_to: str = ""


def queue_notification(
    *,
    channel: str,
    template: str,
    recipient: str,
    language: str,
    context: dict,
    dedupe_key: str,
    reference: str = "",
    attachments: Iterable[dict] = (),
    sender_name: str = "",
    reply_to: str = "",
) -> Notification:
    """Record one email or SMS and enqueue its delivery (after the caller's commit)."""
    message = OutgoingMessage(
        channel=channel, template=template, recipient=recipient, language=language, context=context,
        dedupe_key=dedupe_key, reference=reference, attachments=tuple(attachments),
        sender_name=sender_name, reply_to=reply_to,
    )
    return queue_notifications([message])[0]


def queue_notifications(messages: list[OutgoingMessage], *, new_keys: bool = False) -> list[Notification]:
    """Record several messages of one event and enqueue their deliveries, in a fixed number of
    queries: one read of the dedupe keys, one insert, one task each. Returns them in order; a
    message whose ``dedupe_key`` is already recorded returns the existing row.

    ``new_keys``: the caller knows no row can have these keys yet (they name a row it has just
    inserted in this transaction, like a new order): the read and the savepoint are skipped, and
    the unique key still refuses a duplicate by failing the whole transaction."""
    for message in messages:
        if message.channel not in Notification.Channel.values:
            raise ValueError(f"Unknown channel {message.channel!r}")
    if new_keys:
        return record_new_notifications(prepare_notifications(messages))
    existing = Notification.objects.in_bulk([m.dedupe_key for m in messages], field_name="dedupe_key")
    new_rows = [_new_row(message) for message in messages if message.dedupe_key not in existing]
    # ``savepoint=False``: inside the caller's transaction this adds no savepoint; alone, the
    # rows and their tasks still commit together.
    with transaction.atomic(savepoint=False):
        if new_rows:
            try:
                with transaction.atomic():  # a savepoint: a concurrent twin may win a unique key
                    Notification.objects.bulk_create(new_rows)
            except IntegrityError:
                existing = Notification.objects.in_bulk(
                    [m.dedupe_key for m in messages], field_name="dedupe_key"
                )
                new_rows = [_insert_one(row, existing) for row in new_rows]
        _schedule_pending(row for row in new_rows if row.pk is not None)
    created = {row.dedupe_key: row for row in new_rows if row.pk is not None}
    return [created.get(m.dedupe_key) or existing[m.dedupe_key] for m in messages]


def prepare_notifications(messages: list[OutgoingMessage]) -> list[Notification]:
    """The rendered, unsaved rows of ``messages`` (no query): a caller may render them before it
    takes a lock and record them with :func:`record_new_notifications` once it holds it."""
    for message in messages:
        if message.channel not in Notification.Channel.values:
            raise ValueError(f"Unknown channel {message.channel!r}")
    return [_new_row(message) for message in messages]


def record_new_notifications(rows: list[Notification]) -> list[Notification]:
    """Insert rows from :func:`prepare_notifications` whose keys cannot exist yet (see
    ``queue_notifications(new_keys=True)``) and enqueue their deliveries, in the current
    transaction."""
    rows = Notification.objects.bulk_create(rows)
    _schedule_pending(rows)
    return rows


def _schedule_pending(rows) -> None:
    """Enqueue the delivery of the recorded rows that are to be sent (not those whose rendering
    failed)."""
    for row in rows:
        if row.status == Notification.Status.PENDING:
            schedule_delivery(row.pk)


def _insert_one(row: Notification, existing: dict) -> Notification:
    """After a lost race on some key: insert the others one by one, keep the twin's rows."""
    if row.dedupe_key in existing:
        return existing[row.dedupe_key]
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return Notification.objects.get(dedupe_key=row.dedupe_key)
    return row


def _new_row(message: OutgoingMessage) -> Notification:
    """The unsaved, rendered row of a message (recorded as failed when its rendering fails)."""
    language = message.language if message.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    context = _json_data(message.context)
    recipient = message.recipient
    if message.channel == Notification.Channel.SMS:
        recipient = normalize_phone_number(recipient)
    rendered, error = _render(channel=message.channel, template=message.template, language=language,
                              context=context)
    return Notification(
        channel=message.channel, template=message.template, recipient=recipient, language=language,
        context=context, attachments=_json_data(list(message.attachments)),
        subject=rendered.subject[:250], body_text=rendered.body_text, body_html=rendered.body_html,
        reference=message.reference, dedupe_key=message.dedupe_key,
        sender_name=message.sender_name[:200], reply_to=message.reply_to,
        **({"status": Notification.Status.FAILED, "last_error": error} if error else {}),
    )


def _render(**kwargs) -> tuple[RenderedMessage, str]:
    """A broken message template must not undo the action that sends it (an order being placed):
    the message is recorded as failed, visible to the merchant, and the action goes on."""
    try:
        return render_message(**kwargs), ""
    except Exception as error:
        logger.exception("Cannot render message %s", kwargs["template"])
        return RenderedMessage("", "", ""), f"Rendering failed: {type(error).__name__}: {error}"


def requeue_notification(notification: Notification) -> Notification:
    """Send a failed message again (e.g. after the merchant fixed an address or the provider)."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification.pk)
        if notification.status == Notification.Status.SENT:
            raise DomainError(_("This message was already delivered."), code="already_sent")
        if not notification.body_text:  # its rendering had failed: render it again from the row
            _render_again(notification)
        notification.status = Notification.Status.PENDING
        notification.attempts = 0
        notification.next_attempt_at = None
        notification.save()
        schedule_delivery(notification.pk)
    return notification


def requeue_failed_notifications(*, actor) -> tuple[int, int]:
    """Send every failed message again at once (« Renvoyer tous les messages en échec »).

    Returns (enqueued, left): a message whose rendering still fails stays failed. ``actor`` is
    the staff member who asked (logged)."""
    enqueued = left = 0
    with transaction.atomic():
        failed = list(Notification.objects.select_for_update()
                      .filter(status=Notification.Status.FAILED).order_by("created_at", "id"))
        for notification in failed:
            if not notification.body_text:
                try:
                    _render_again(notification)
                except DomainError:
                    left += 1
                    continue
            notification.status = Notification.Status.PENDING
            notification.attempts = 0
            notification.next_attempt_at = None
            notification.save()
            schedule_delivery(notification.pk)
            enqueued += 1
    logger.info("%s asked to send the %s failed message(s) again (%s left failed)",
                getattr(actor, "username", actor), enqueued, left)
    return enqueued, left


def _render_again(notification: Notification) -> None:
    rendered, error = _render(
        channel=notification.channel, template=notification.template,
        language=notification.language, context=notification.context,
    )
    if error:
        raise DomainError(_("This message cannot be prepared: %(error)s") % {"error": error},
                          code="rendering")
    notification.subject = rendered.subject[:250]
    notification.body_text = rendered.body_text
    notification.body_html = rendered.body_html


def schedule_delivery(notification_id: int, *, run_after: datetime | None = None) -> None:
    """Enqueue the delivery task of a notification.

    With the database task backend the task row is written in the current transaction, so the
    notification and its task commit (or roll back) together and the worker only sees them
    after commit. Any other backend might run the task at once: it is enqueued on commit.
    """
    from .tasks import deliver_notification_task

    backend = deliver_notification_task.get_backend()
    if run_after is not None and not backend.supports_defer:
        return  # the periodic sweep will pick the row up when it is due
    if isinstance(backend, DatabaseBackend):
        _enqueue(notification_id, run_after)
    else:
        # A function, not a ``partial``: Django logs a robust hook's failure (Redis down) by the
        # hook's ``__qualname__``, which a partial lacks (the logging itself would then raise).
        def enqueue_after_commit():
            _enqueue(notification_id, run_after)

        transaction.on_commit(enqueue_after_commit, robust=True)


def _enqueue(notification_id: int, run_after: datetime | None) -> None:
    from .tasks import deliver_notification_task

    task = deliver_notification_task
    if run_after is not None:
        task = task.using(run_after=run_after)
    task.enqueue(notification_id)


def _json_data(value):
    """Decimals, dates and lazy strings become JSON strings, as they will be once stored."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
