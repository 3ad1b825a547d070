"""A confidential message (a password reset link) keeps its content only until it is delivered:
the worker sends the link, then the row forgets it; a failed delivery keeps it for the retry."""

import importlib
from email import message_from_bytes, policy

import pytest

from comptoir.notifications.models import CONFIDENTIAL_TEMPLATES, Notification
from comptoir.notifications.services import deliver_pending, queue_notification, requeue_notification

from .helpers import html_part, queue_test_email, text_part

pytestmark = pytest.mark.django_db

RESET_URL = "http://shop.test/fr/compte/mot-de-passe/MQ/czx1ye-0123456789abcdef/"


def queue_reset_email(recipient="lea@example.test", key="password-reset:1"):
    context = {
        "shop": {"display_name": "Délices du Comptoir", "legal_name": "Les Délices du Comptoir inc.",
                 "address": ["1234, rue Saint-Denis"], "email": "bonjour@delices.test"},
        "customer": {"name": "Léa Gagnon", "email": recipient},
        "reset_url": RESET_URL, "valid_hours": 72, "valid_minutes": 0,
    }
    return queue_notification(
        channel=Notification.Channel.EMAIL, template="password_reset", recipient=recipient,
        language="fr", context=context, dedupe_key=key,
    )


def stored(notification) -> str:
    """Every text the row holds."""
    notification.refresh_from_db()
    return " ".join([notification.subject, notification.body_text, notification.body_html,
                     str(notification.context)])


def test_the_password_reset_is_confidential_and_an_order_message_is_not():
    assert queue_reset_email().is_confidential
    assert not queue_test_email().is_confidential
    assert set(CONFIDENTIAL_TEMPLATES) == {"password_reset"}


def test_the_link_is_sent_then_forgotten(smtp_server):
    notification = queue_reset_email()
    assert RESET_URL in stored(notification)  # the worker needs it until it is sent

    assert deliver_pending() == 1
    [email] = smtp_server.to("lea@example.test")
    assert RESET_URL in text_part(email) and RESET_URL in html_part(email)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT and notification.sent_at is not None
    assert (notification.body_text, notification.body_html, notification.context) == ("", "", {})
    assert notification.subject == "Choisissez un nouveau mot de passe – Délices du Comptoir"
    assert RESET_URL not in stored(notification)


def test_an_order_message_keeps_its_content_once_sent(smtp_server):
    notification = queue_test_email()
    assert deliver_pending() == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert "Merci pour votre commande" in notification.body_text and notification.body_html
    assert notification.context["order"]["number"] == 1001


def test_a_failed_delivery_keeps_the_link_for_the_retry(refusing_smtp_server):
    retried = queue_reset_email(recipient="busy@example.test", key="password-reset:busy")
    refused = queue_reset_email(recipient="nobody@example.test", key="password-reset:nobody")
    assert deliver_pending() == 0

    retried.refresh_from_db()
    refused.refresh_from_db()
    assert (retried.status, retried.attempts) == (Notification.Status.PENDING, 1)
    assert refused.status == Notification.Status.FAILED
    assert RESET_URL in stored(retried) and RESET_URL in stored(refused)

    # The merchant sends the failed one again once the address works: the link goes out, then
    # the row forgets it.
    Notification.objects.filter(pk=refused.pk).update(recipient="lea@example.test")
    requeue_notification(refused)
    assert deliver_pending() == 1
    [email] = [message_from_bytes(raw, policy=policy.default) for raw in refusing_smtp_server.messages]
    assert str(email["To"]) == "lea@example.test" and RESET_URL in text_part(email)
    assert RESET_URL not in stored(refused)
    assert RESET_URL in stored(retried)  # still waiting for its next attempt


def test_the_migration_forgets_the_links_already_sent():
    from django.apps import apps

    migration = importlib.import_module(
        "comptoir.notifications.migrations.0003_forget_sent_confidential_content"
    )
    sent, pending = queue_reset_email(key="reset:sent"), queue_reset_email(key="reset:pending")
    order_message = queue_test_email()
    Notification.objects.filter(pk__in=[sent.pk, order_message.pk]).update(status="sent")

    migration.forget_sent_confidential_content(apps, None)

    assert RESET_URL not in stored(sent) and sent.subject
    assert RESET_URL in stored(pending)
    assert "Merci pour votre commande" in stored(order_message)
