"""The outbox: recorded with the caller's transaction, delivered once, after commit."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comptoir.core.errors import DomainError
from comptoir.notifications import delivery
from comptoir.notifications.models import Notification
from comptoir.notifications.services import (
    OutgoingMessage,
    deliver_pending,
    queue_notifications,
    requeue_notification,
)

from .helpers import queue_test_email, text_part

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def test_a_rolled_back_transaction_leaves_no_message_and_no_task():
    with pytest.raises(Boom), transaction.atomic():
        queue_test_email()
        raise Boom

    assert Notification.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


def test_queueing_records_the_rendered_message_and_its_delivery_task():
    notification = queue_test_email()

    assert notification.status == Notification.Status.PENDING
    assert notification.subject == "Confirmation de commande nº 1001 – Délices du Comptoir"
    assert "Bonjour Marie Tremblay," in notification.body_text
    assert "<html" in notification.body_html
    task = DBTaskResult.objects.get()
    assert task.task_path == "comptoir.notifications.tasks.deliver_notification_task"
    assert task.args_kwargs["args"] == [notification.pk]


def test_the_same_dedupe_key_returns_the_first_message_and_queues_nothing():
    first = queue_test_email(key="order:1:placed:customer")
    second = queue_test_email(key="order:1:placed:customer", recipient="autre@example.test")

    assert second.pk == first.pk
    assert Notification.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


def test_new_keys_record_messages_without_looking_them_up_and_refuse_a_duplicate():
    template = queue_test_email(key="order:7:placed:customer")
    first = OutgoingMessage(
        channel=template.channel, template=template.template, recipient="a@example.test",
        language="fr", context=template.context, dedupe_key="order:8:placed:customer",
    )
    [recorded] = queue_notifications([first], new_keys=True)

    assert recorded.pk is not None and recorded.status == Notification.Status.PENDING
    assert "Bonjour Marie Tremblay," in recorded.body_text
    assert DBTaskResult.objects.filter(args_kwargs__args=[recorded.pk]).count() == 1
    # A caller wrong about its keys gets an error, never a second message.
    twin = OutgoingMessage(**{**first.__dict__, "recipient": "b@example.test"})
    with pytest.raises(IntegrityError), transaction.atomic():
        queue_notifications([twin], new_keys=True)
    recorded_for = Notification.objects.filter(dedupe_key=first.dedupe_key).values_list("recipient")
    assert list(recorded_for) == [("a@example.test",)]
    assert DBTaskResult.objects.count() == 2


def test_the_message_is_rendered_in_the_recipients_language():
    french = queue_test_email(key="fr", language="fr")
    english = queue_test_email(key="en", language="en")

    assert "Merci pour votre commande" in french.body_text
    assert "10,00\u00a0$" in french.body_text
    assert "Thank you for your order" in english.body_text
    assert "$10.00" in english.body_text


def test_text_parts_are_not_html_escaped():
    notification = queue_test_email(instructions="Chèque à l'ordre de <Délices & Cie>")

    assert "Chèque à l'ordre de <Délices & Cie>" in notification.body_text
    assert "Chèque à l&#x27;ordre de &lt;Délices &amp; Cie&gt;" in notification.body_html


def test_nothing_is_sent_while_a_transaction_is_open(smtp_server):
    queue_test_email()
    with pytest.raises(RuntimeError), transaction.atomic():
        deliver_pending()
    assert smtp_server.messages == []
    assert Notification.objects.get().attempts == 0


def test_delivery_sends_text_and_html_once_over_smtp(smtp_server):
    notification = queue_test_email(sender_name="Délices du Comptoir", reply_to="bonjour@delices.test")

    assert deliver_pending() == 1
    assert deliver_pending() == 0

    [message] = smtp_server.messages
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.sent_at is not None
    assert notification.attempts == 1
    assert str(message["Subject"]).strip() == notification.subject
    assert "Délices du Comptoir" in str(message["From"])
    assert str(message["Reply-To"]) == "bonjour@delices.test"
    assert message["Message-ID"] == notification.provider_reference
    assert "Merci pour votre commande" in text_part(message)
    assert message.get_body(preferencelist=("html",)) is not None


def test_a_message_sent_again_after_a_lost_acknowledgement_keeps_its_message_id(smtp_server):
    first = queue_test_email(key="order:1:placed:customer")
    other = queue_test_email(key="order:2:placed:customer")
    assert deliver_pending() == 2
    # The worker stopped after the server had accepted the first message, before recording it:
    # once its claim expires, the sweep sends it again.
    Notification.objects.filter(pk=first.pk).update(status=Notification.Status.PENDING, next_attempt_at=None)
    assert deliver_pending() == 1

    ids = [message["Message-ID"] for message in smtp_server.messages]
    assert len(ids) == 3 and ids[0] == ids[2] != ids[1]
    first.refresh_from_db()
    other.refresh_from_db()
    assert first.provider_reference == ids[0] and other.provider_reference == ids[1]


def test_an_attachment_is_read_from_the_default_storage(smtp_server, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    path = default_storage.save("invoices/F-000001.pdf", ContentFile(b"%PDF-1.7 test"))
    queue_test_email(attachments=[{"filename": "F-000001.pdf", "content_type": "application/pdf",
                                   "path": path}])

    assert deliver_pending() == 1
    [message] = smtp_server.messages
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "F-000001.pdf"
    assert attachment.get_content() == b"%PDF-1.7 test"


def test_a_down_smtp_server_means_a_retry_later_with_backoff(smtp_server):
    smtp_server.stop()
    notification = queue_test_email()
    before = timezone.now()

    assert deliver_pending() == 0

    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert notification.attempts == 1
    assert "ConnectionRefusedError" in notification.last_error
    assert notification.next_attempt_at >= before + timedelta(seconds=delivery.BACKOFF_BASE_SECONDS)
    # Not due yet: a second sweep right away does not try again.
    assert deliver_pending() == 0
    notification.refresh_from_db()
    assert notification.attempts == 1


def test_backoff_doubles_up_to_a_ceiling():
    assert delivery.backoff_delay(1) == timedelta(minutes=1)
    assert delivery.backoff_delay(2) == timedelta(minutes=2)
    assert delivery.backoff_delay(4) == timedelta(minutes=8)
    assert delivery.backoff_delay(30) == timedelta(seconds=delivery.BACKOFF_MAX_SECONDS)


def test_after_the_last_attempt_the_message_is_failed(smtp_server):
    smtp_server.stop()
    notification = queue_test_email()
    now = timezone.now()
    for _attempt in range(delivery.MAX_ATTEMPTS):
        deliver_pending()
        now += timedelta(days=1)
        deliver_pending(now=now)

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == delivery.MAX_ATTEMPTS
    assert notification.next_attempt_at is None


def test_a_refused_recipient_fails_at_once(refusing_smtp_server):
    notification = queue_test_email(recipient="nobody@example.test")

    assert deliver_pending() == 0

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == 1
    assert "Recipient refused" in notification.last_error


def test_a_temporarily_refused_recipient_is_retried(refusing_smtp_server):
    notification = queue_test_email(recipient="busy@example.test")

    assert deliver_pending() == 0

    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert notification.next_attempt_at is not None
    assert "450" in notification.last_error


def test_a_failed_message_can_be_sent_again(smtp_server):
    smtp_server.stop()
    notification = queue_test_email()
    delivery.MAX_ATTEMPTS, saved = 1, delivery.MAX_ATTEMPTS
    try:
        deliver_pending()
    finally:
        delivery.MAX_ATTEMPTS = saved
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED

    smtp_server.start()
    requeue_notification(notification)
    assert deliver_pending() == 1

    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert len(smtp_server.messages) == 1


def test_a_sent_message_is_not_sent_again(smtp_server):
    notification = queue_test_email()
    deliver_pending()
    notification.refresh_from_db()

    with pytest.raises(DomainError):
        requeue_notification(notification)

    sent_at = notification.sent_at
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.sent_at == sent_at
    assert deliver_pending() == 0
    assert len(smtp_server.messages) == 1


def test_without_smtp_server_the_console_backend_is_used(settings, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    notification = queue_test_email()

    assert deliver_pending() == 1

    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert "Merci pour votre commande" in notification.body_text
    assert "To: client@example.test" in capsys.readouterr().out


def test_the_sweep_enqueues_overdue_messages_again():
    notification = queue_test_email()
    DBTaskResult.objects.all().delete()  # the task was lost
    later = timezone.now() + timedelta(seconds=delivery.STALE_AFTER_SECONDS + 1)

    assert delivery.sweep_stale_notifications(now=timezone.now()) == 0
    assert delivery.sweep_stale_notifications(now=later) == 1
    assert delivery.sweep_stale_notifications(now=later) == 0  # not twice in a row

    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [notification.pk]


def test_a_message_that_cannot_be_rendered_is_recorded_as_failed_and_the_caller_goes_on(settings):
    from comptoir.notifications.services import queue_notification

    with transaction.atomic():
        notification = queue_notification(
            channel="email", template="no_such_message", recipient="client@example.test",
            language="fr", context={}, dedupe_key="broken:1",
        )
        after = queue_test_email()  # the caller's transaction is still usable

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert "TemplateDoesNotExist" in notification.last_error
    assert after.status == Notification.Status.PENDING
    assert [task.args_kwargs["args"] for task in DBTaskResult.objects.all()] == [[after.pk]]

    with pytest.raises(DomainError):  # still cannot be rendered: nothing changes
        requeue_notification(notification)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert DBTaskResult.objects.count() == 1
