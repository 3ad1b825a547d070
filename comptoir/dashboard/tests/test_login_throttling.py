"""The back-office login is throttled like the storefront's: 5 failures refuse the username from
that address for 15 minutes, even with the right password, and the count is shared by both login
pages; another address is not refused, and the owners are alerted when a staff account sees
many failures."""

import html

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from comptoir.configuration.permissions import OWNER_GROUP
from comptoir.core.testing import give_two_factor, make_staff_user, sign_in_verified, totp_code
from comptoir.customers.models import Customer
from comptoir.notifications.models import Notification
from comptoir.security.models import Attempt

from .conftest import PASSWORD

LOGIN = "/fr/gestion/connexion/"
LOCKED = "Trop de tentatives de connexion. Réessayez dans 15 minutes."


@pytest.fixture(autouse=True)
def quick_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in(client, username, password, path=LOGIN):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR="203.0.113.7")


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_five_failures_then_the_right_password_is_refused_from_that_address(client, merchant):
    for _ in range(5):
        response = sign_in(client, "marchand", "non")
        assert response.status_code == 200 and LOCKED not in text(response)
    rows = Attempt.objects.count()
    refused = sign_in(client, "marchand", PASSWORD)
    assert refused.status_code == 429
    page = text(refused)
    assert LOCKED in page and "<h1>Connexion à l'interface de gestion</h1>" in page
    assert 'value="marchand"' in page
    assert "_auth_user_id" not in client.session
    merchant.refresh_from_db()
    assert merchant.last_login is None
    assert Attempt.objects.count() == rows
    assert client.get(reverse("dashboard:order_list")).status_code == 302


def test_failures_on_one_login_page_count_on_the_other(client, merchant):
    for _ in range(5):
        client.post("/fr/compte/connexion/", {"username": "Marchand", "password": "non"},
                    REMOTE_ADDR="203.0.113.7")
    assert sign_in(client, "marchand", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_unknown_username_is_refused_the_same_way(client, merchant):
    for username in ("marchand", "inconnu"):
        for _ in range(5):
            sign_in(client, username, "non")
    known, unknown = sign_in(client, "marchand", PASSWORD), sign_in(client, "inconnu", PASSWORD)
    assert known.status_code == unknown.status_code == 429
    assert LOCKED in text(known) and LOCKED in text(unknown)


def test_a_successful_login_clears_the_failures(client, merchant):
    for _ in range(4):
        sign_in(client, "marchand", "non")
    assert sign_in(client, "marchand", PASSWORD).status_code == 302
    client.post(reverse("dashboard:logout"))
    for _ in range(4):
        assert sign_in(client, "marchand", "non").status_code == 200
    assert sign_in(client, "marchand", PASSWORD).status_code == 302


def test_a_customer_account_with_its_right_password_is_not_counted(client, customer_user):
    # The back-office turns it away after checking the password: no guess was wrong.
    for _ in range(6):
        response = sign_in(client, "marie", PASSWORD)
        assert response.status_code == 200 and "compte client" in text(response)
    assert Attempt.objects.count() == 0


def test_the_refusal_in_english(client, merchant):
    for _ in range(5):
        sign_in(client, "marchand", "no", path="/en/gestion/connexion/")
    refused = sign_in(client, "marchand", PASSWORD, path="/en/gestion/connexion/")
    assert refused.status_code == 429
    assert "Too many login attempts. Try again in 15 minutes." in text(refused)


def test_fifty_wrong_passwords_from_one_address_do_not_stop_the_owner_from_another(client, shop):
    owner = make_staff_user("marchand", PASSWORD, is_superuser=True)
    device = give_two_factor(owner)
    for n in range(50):
        response = sign_in(client, "marchand", f"mauvais-{n}")
        assert response.status_code == (200 if n < 5 else 429)
        if n == 5:
            rows = list(Attempt.objects.order_by("pk").values_list("pk", "kind", "key", "created_at"))
    # Refused attempts changed nothing.
    assert list(Attempt.objects.order_by("pk").values_list("pk", "kind", "key", "created_at")) == rows
    assert sign_in(client, "marchand", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session

    other = client_class()
    response = other.post(LOGIN, {"username": "marchand", "password": PASSWORD},
                          REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.last_login is not None
    code = other.post(reverse("dashboard:two_factor_verify"), {"code": totp_code(device)})
    assert code.status_code == 302
    assert other.get(reverse("dashboard:order_list")).status_code == 200
    assert Notification.objects.filter(template="login_failures").count() == 0  # 5 failures only


def client_class():
    from django.test import Client

    return Client()


def test_the_owners_are_alerted_once_when_a_staff_account_sees_many_failures(client, shop, merchant):
    make_staff_user("julie", PASSWORD, is_superuser=True)
    ben = make_staff_user("ben", PASSWORD)
    ben.groups.add(Group.objects.get_or_create(name=OWNER_GROUP)[0])
    Customer.objects.create(user=ben, email=ben.email, language="en")
    make_staff_user("ancien", PASSWORD, is_superuser=True, is_active=False)
    # Wrong passwords from many addresses, until 19 were checked (each address gets 5 tries, then
    # 2 once the account has seen 10 failures).
    checked = 0
    for n in range(1, 40):
        for _ in range(5):
            if checked < 19:
                response = client.post(LOGIN, {"username": "marchand", "password": "non"},
                                       REMOTE_ADDR=f"192.0.2.{n}")
                checked += response.status_code == 200
    assert checked == 19
    assert Notification.objects.filter(template="login_failures").count() == 0
    client.post(LOGIN, {"username": "marchand", "password": "non"}, REMOTE_ADDR="198.51.100.1")
    alerts = list(Notification.objects.filter(template="login_failures").order_by("recipient"))
    assert [(alert.recipient, alert.language) for alert in alerts] == [
        ("ben@delices.test", "en"), ("julie@delices.test", "fr"),
    ]
    assert alerts[1].subject == (
        "Délices du Comptoir : nombreuses connexions échouées pour le compte marchand"
    )
    assert "a subi 20 tentatives de connexion échouées au cours de la dernière heure" in alerts[1].body_text
    assert "/fr/gestion/configuration/comptes/" in alerts[1].body_text
    assert "has seen 20 failed sign-ins in the last hour" in alerts[0].body_text
    assert "/en/gestion/configuration/comptes/" in alerts[0].body_text
    # Further failures in the hour queue nothing more.
    for address in ("198.51.100.2", "198.51.100.3", "198.51.100.4"):
        client.post(LOGIN, {"username": "marchand", "password": "non"}, REMOTE_ADDR=address)
    assert Notification.objects.filter(template="login_failures").count() == 2
    # The owner finds them in the message log.
    julie = get_user_model().objects.get(username="julie")
    log = text(sign_in_verified(client_class(), julie).get(reverse("configuration:notification_log")))
    assert log.count("Alerte de connexions échouées") == 2


def test_no_alert_for_an_unknown_or_a_customer_account(client, shop, customer_user):
    make_staff_user("julie", PASSWORD, is_superuser=True)
    for n in range(25):
        for username in ("inconnu", "marie"):
            client.post("/fr/compte/connexion/", {"username": username, "password": "non"},
                        REMOTE_ADDR=f"192.0.2.{n + 1}")
    assert Attempt.objects.filter(kind=Attempt.Kind.LOGIN_ACCOUNT).count() == 50
    assert Notification.objects.filter(template="login_failures").count() == 0
