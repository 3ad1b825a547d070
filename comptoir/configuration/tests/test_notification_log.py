"""The message log: every email and SMS, filters, content, « Renvoyer » for a failed one; the
content of a confidential message (a password reset link) is never shown."""

import html
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from comptoir.notifications.models import Notification

_keys = itertools.count()


def make_notification(**overrides):
    values = {"channel": "email", "template": "order_confirmation", "recipient": "marie@example.test",
              "language": "fr", "subject": "Confirmation de votre commande 1001",
              "body_text": "Merci pour votre commande.", "dedupe_key": f"test:{next(_keys)}"}
    values.update(overrides)
    return Notification.objects.create(**values)


def test_log_lists_and_filters(owner_client):
    make_notification(status="sent", attempts=1)
    make_notification(channel="sms", recipient="+15145550177", subject="", template="new_order",
                      status="failed", attempts=8, last_error="503 Service Unavailable")
    url = reverse("configuration:notification_log")
    html = owner_client.get(url).content.decode()
    assert "marie@example.test" in html and "+15145550177" in html and "503 Service Unavailable" in html
    assert "Confirmation de commande" in html and "nouvelle commande" in html
    assert [n.channel for n in owner_client.get(url, {"status": "failed"}).context["page"]] == ["sms"]
    assert [n.status for n in owner_client.get(url, {"channel": "email"}).context["page"]] == ["sent"]


def test_log_runs_constant_queries(owner_client):
    make_notification()
    url = reverse("configuration:notification_log")
    with CaptureQueriesContext(connection) as few:
        owner_client.get(url)
    for _ in range(80):
        make_notification(status="failed")
    with CaptureQueriesContext(connection) as many:
        page = owner_client.get(url).context["page"]
    assert len(many) == len(few) and len(page) == 50


def test_detail_shows_the_content(owner_client):
    notification = make_notification(status="failed", last_error="Connection refused")
    url = reverse("configuration:notification_detail", args=[notification.pk])
    html = owner_client.get(url).content.decode()
    assert "Confirmation de votre commande 1001" in html and "Merci pour votre commande." in html
    assert "Connection refused" in html and "Renvoyer" in html


def test_resend_a_failed_message_delivers_it(owner_client, smtp_server):
    from comptoir.notifications.services import deliver_pending

    notification = make_notification(status="failed", attempts=8, last_error="Connection refused")
    response = owner_client.post(reverse("configuration:notification_resend", args=[notification.pk]))
    assert response.status_code == 302
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("pending", 0)
    deliver_pending()
    notification.refresh_from_db()
    assert notification.status == "sent"
    assert [m["Subject"] for m in smtp_server.to("marie@example.test")] == [
        "Confirmation de votre commande 1001"]


@pytest.mark.parametrize("status", ["sent", "pending"])
def test_resend_is_refused_unless_failed(owner_client, status):
    notification = make_notification(status=status, attempts=1)
    response = owner_client.post(reverse("configuration:notification_resend", args=[notification.pk]),
                                 follow=True)
    assert "Seul un message dont l&#x27;envoi a échoué peut être renvoyé." in response.content.decode()
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (status, 1)


# --- A password reset: its link is never shown, before or after delivery ---------------------

CONFIDENTIAL_LINE = "Contenu confidentiel\u00a0: lien personnel de réinitialisation du mot de passe"


def reset_email(customer):
    from comptoir.customers.services import request_password_reset

    [notification] = request_password_reset(customer.email, language="fr")
    link = re.search(r"http://\S+/compte/mot-de-passe/\S+/", notification.body_text).group(0)
    return notification, link


def screens(client, notification, language="fr") -> str:
    """The log and the message's page, as the owner reads them."""
    with translation.override(language):
        log, detail = (reverse("configuration:notification_log"),
                       reverse("configuration:notification_detail", args=[notification.pk]))
    pages = [client.get(log), client.get(detail)]
    assert [page.status_code for page in pages] == [200, 200]
    return html.unescape(" ".join(page.content.decode() for page in pages))


def test_a_queued_reset_link_is_not_shown(owner_client, customer):
    notification, link = reset_email(customer)
    page = screens(owner_client, notification)
    assert link not in page and "/compte/mot-de-passe/" not in page
    assert CONFIDENTIAL_LINE in page and "Réinitialisation du mot de passe" in page
    assert "client@example.test" in page and "En file d’attente" in page
    assert "Choisissez un nouveau mot de passe – Délices du Comptoir" in page  # the subject stays

    english = screens(owner_client, notification, "en")
    assert link not in english and "Confidential content: personal password reset link" in english
    assert "Password reset" in english


def test_a_delivered_reset_link_is_forgotten(owner_client, customer, smtp_server):
    from comptoir.notifications.services import deliver_pending

    notification, link = reset_email(customer)
    assert deliver_pending() == 1
    [email] = smtp_server.to("client@example.test")
    assert link in email.get_body(preferencelist=("plain",)).get_content()
    notification.refresh_from_db()
    assert (notification.status, notification.body_text, notification.body_html) == ("sent", "", "")
    assert notification.context == {}
    page = screens(owner_client, notification)
    assert link not in page and CONFIDENTIAL_LINE in page and "Envoyé" in page


def test_a_failed_reset_link_is_kept_for_the_retry_and_still_hidden(owner_client, customer):
    notification, link = reset_email(customer)
    Notification.objects.filter(pk=notification.pk).update(
        status="failed", attempts=8, last_error="Connection refused"
    )
    page = screens(owner_client, notification)
    assert link not in page and CONFIDENTIAL_LINE in page
    assert "Connection refused" in page and "Renvoyer" in page
    notification.refresh_from_db()
    assert link in notification.body_text  # « Renvoyer » sends the same link

    owner_client.post(reverse("configuration:notification_resend", args=[notification.pk]))
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("pending", 0)
    assert link in notification.body_text and link not in screens(owner_client, notification)
