"""The password reset service: who gets an email, in which language, and how often."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from comptoir.core.testing import make_shop, make_staff_user
from comptoir.customers.services import request_password_reset
from comptoir.notifications.models import Notification
from comptoir.security.services import TooManyAttempts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shop():
    return make_shop()


def make_account(email="lea@example.test"):
    return get_user_model().objects.create_user(email, email, "Bleuets-du-Lac-2026")


def test_each_account_of_the_address_gets_its_own_link():
    customer = make_account()
    staff = make_staff_user(username="lea")
    staff.email = "Lea@Example.test"
    staff.save(update_fields=["email"])
    notifications = request_password_reset("LEA@example.TEST", language="fr")
    assert [n.recipient for n in notifications] == [customer.email, staff.email]
    assert Notification.objects.count() == 2
    assert notifications[0].body_text != notifications[1].body_text  # one link per account
    assert all(n.sender_name == "Délices du Comptoir" for n in notifications)
    assert all(n.reply_to == "bonjour@delices.test" for n in notifications)


def test_asking_again_does_not_send_another_email_while_the_first_link_works():
    user = make_account()
    [first] = request_password_reset("lea@example.test", language="fr")
    [second] = request_password_reset("lea@example.test", language="fr")
    assert second.pk == first.pk and Notification.objects.count() == 1

    # Logging in makes the first link useless: a new one is sent.
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    [third] = request_password_reset("lea@example.test", language="fr")
    assert third.pk != first.pk and Notification.objects.count() == 2


def test_an_account_that_never_ordered_gets_the_language_of_the_request():
    make_account()
    [notification] = request_password_reset("lea@example.test", language="en")
    assert notification.language == "en"
    assert "/en/compte/mot-de-passe/" in notification.body_text
    assert notification.body_text.startswith("Hello,\n")


def test_no_account_no_message():
    assert request_password_reset("personne@example.test", language="fr") == []
    assert Notification.objects.count() == 0


def test_a_visitor_asking_too_often_gets_nothing_queued():
    make_account()
    for n in range(5):
        request_password_reset(f"client{n}@example.test", language="fr", client_address="203.0.113.7")
    with pytest.raises(TooManyAttempts):
        request_password_reset("lea@example.test", language="fr", client_address="203.0.113.7")
    assert Notification.objects.count() == 0
    [notification] = request_password_reset("lea@example.test", language="fr", client_address="198.51.100.4")
    assert notification.recipient == "lea@example.test"
    # Without a visitor's address (the shop's own code), no limit applies.
    assert len(request_password_reset("lea@example.test", language="fr")) == 1
