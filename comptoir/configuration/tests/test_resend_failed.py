"""« Renvoyer tous les messages en échec »: every failed message of the log sent again at once."""

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from comptoir.notifications.models import Notification

from .test_notification_log import make_notification

pytestmark = pytest.mark.django_db


def test_resend_every_failed_message_delivers_them(owner_client, smtp_server):
    from comptoir.notifications.services import deliver_pending

    failed = [make_notification(status="failed", attempts=8, recipient=f"client{n}@example.test",
                                last_error="Connection refused") for n in range(3)]
    sent = make_notification(status="sent", recipient="deja@example.test")
    log = owner_client.get(reverse("configuration:notification_log")).content.decode()
    assert "Renvoyer tous les messages en échec" in log

    response = owner_client.post(reverse("configuration:notification_resend_failed"), follow=True)

    assert "Messages en échec renvoyés : 3." in response.content.decode()
    assert {n.status for n in Notification.objects.filter(pk__in=[f.pk for f in failed])} == {"pending"}
    assert DBTaskResult.objects.filter(status="READY").count() == 3
    deliver_pending()
    assert sorted(str(m["To"]) for m in smtp_server.messages) == [
        "client0@example.test", "client1@example.test", "client2@example.test"]
    sent.refresh_from_db()
    assert sent.status == "sent"


def test_a_message_that_still_cannot_be_prepared_stays_failed(owner_client):
    make_notification(status="failed", template="no_such_template", body_text="", subject="")
    response = owner_client.post(reverse("configuration:notification_resend_failed"), follow=True)
    assert "Messages qui ne peuvent toujours pas être préparés : 1." in response.content.decode()
    assert Notification.objects.get().status == "failed"
    assert not DBTaskResult.objects.exists()


def test_the_button_is_shown_only_when_a_message_failed(owner_client):
    make_notification(status="sent")
    log = owner_client.get(reverse("configuration:notification_log")).content.decode()
    assert "Renvoyer tous les messages en échec" not in log


def test_only_the_owner_can_resend_every_failed_message(staff_client):
    make_notification(status="failed", attempts=8)
    response = staff_client.post(reverse("configuration:notification_resend_failed"))
    assert response.status_code == 403
    assert Notification.objects.get().status == "failed"
    assert not DBTaskResult.objects.exists()


def test_resend_every_failed_message_in_english(owner_client):
    make_notification(status="failed", attempts=8)
    with_english = owner_client.get("/en/gestion/configuration/notifications/journal/").content.decode()
    assert "Resend every failed message" in with_english
    response = owner_client.post("/en/gestion/configuration/notifications/journal/renvoyer-les-echecs/",
                                 follow=True)
    assert "Failed messages sent again: 1." in response.content.decode()
