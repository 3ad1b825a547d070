"""The back-office login is throttled like the storefront's: 5 failures lock the username for
15 minutes, even with the right password, and the count is shared by both login pages."""

import html

import pytest
from django.urls import reverse

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


def test_five_failures_then_the_right_password_is_refused(client, merchant):
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
