"""The back-office warns when messages are stuck or the task worker has not been seen for
5 minutes, with a link to the message log (for the owner, who can open it)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from comptoir.configuration.permissions import OWNER_GROUP
from comptoir.core.testing import sign_in_verified
from comptoir.notifications.models import Notification, WorkerHeartbeat
from comptoir.notifications.tests.helpers import queue_test_email

pytestmark = pytest.mark.django_db

WORKER_GONE = "Le service d’envoi des messages ne s’est pas manifesté depuis 5 minutes"
WAITING = "Des messages attendent d’être envoyés depuis plus de 15 minutes."


@pytest.fixture
def owner_client(staff_client, merchant):
    merchant.groups.add(Group.objects.get_or_create(name=OWNER_GROUP)[0])
    return sign_in_verified(staff_client, merchant)


def beat(seconds_ago: float = 0) -> None:
    seen = timezone.now() - timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.update_or_create(worker_id="w1", defaults={"started_at": seen, "seen_at": seen})


def orders_page(client, language="fr") -> str:
    return client.get(f"/{language}/gestion/commandes/").content.decode()


def test_no_banner_when_all_is_well(owner_client):
    beat()
    queue_test_email()  # waiting for a few seconds: normal
    page = orders_page(owner_client)
    assert "outbox-alert" not in page


def test_banner_when_a_message_failed(owner_client):
    beat()
    failed = queue_test_email()
    Notification.objects.filter(pk=failed.pk).update(status=Notification.Status.FAILED)
    page = orders_page(owner_client)
    assert "Messages en échec : 1." in page
    assert 'href="/fr/gestion/configuration/notifications/journal/?status=failed"' in page
    assert "Voir les messages" in page
    english = orders_page(owner_client, "en")
    assert "Messages not delivered: 1." in english and "See the messages" in english


def test_banner_when_a_message_waits_for_more_than_15_minutes(owner_client):
    beat()
    waiting = queue_test_email()
    Notification.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    assert WAITING in orders_page(owner_client)


def test_banner_when_the_worker_has_not_been_seen_for_5_minutes(owner_client):
    beat(seconds_ago=301)
    page = orders_page(owner_client)
    assert WORKER_GONE in page
    assert "The message service has not been seen for 5 minutes" in orders_page(owner_client, "en")
    beat()
    assert "outbox-alert" not in orders_page(owner_client)


def test_staff_see_the_banner_without_the_owner_only_link(staff_client):
    page = orders_page(staff_client)  # no heartbeat at all
    assert WORKER_GONE in page
    assert "Voir les messages" not in page
