"""Password guessing and reset-email flooding on the storefront: the login refuses an account
after 5 failures and an address after 20; the reset form takes 5 requests per address."""

import html
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db.models import F

from comptoir.core.testing import make_shop
from comptoir.notifications.models import Notification
from comptoir.security.models import Attempt

from .helpers import url

pytestmark = pytest.mark.django_db

PASSWORD = "Bleuets-du-Lac-2026"
LOCKED = "Trop de tentatives de connexion. Réessayez dans 15 minutes."
WRONG = "Saisissez un nom d’utilisateur et un mot de passe valides."
HOME = "203.0.113.7"


@pytest.fixture(autouse=True)
def shop_and_quick_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make_shop()


@pytest.fixture
def lea(db):
    return get_user_model().objects.create_user("lea@example.test", "lea@example.test", PASSWORD)


def log_in(client, username, password, *, address=HOME, language="fr"):
    return client.post(url("login", language), {"username": username, "password": password},
                       REMOTE_ADDR=address)


def text(response) -> str:
    """The page as read, without its security token (a new one on each page)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", html.unescape(response.content.decode()))


def fail_five_times(client, username):
    for _ in range(5):
        response = log_in(client, username, "pas-le-bon")
        assert response.status_code == 200 and WRONG in " ".join(text(response).split())
        assert LOCKED not in text(response)


def move_past_the_window():
    """As if 15 minutes had passed: every recorded attempt leaves the window."""
    Attempt.objects.update(created_at=F("created_at") - timedelta(minutes=15, seconds=1))


def test_after_five_failures_even_the_right_password_is_refused_and_changes_nothing(client, lea):
    fail_five_times(client, "lea@example.test")
    rows = sorted(Attempt.objects.values_list("pk", flat=True))
    refused = log_in(client, "lea@example.test", PASSWORD)
    assert refused.status_code == 429
    page = text(refused)
    assert LOCKED in page and WRONG not in page
    assert 'value="lea@example.test"' in page  # the form is shown again, filled in
    assert "_auth_user_id" not in client.session
    lea.refresh_from_db()
    assert lea.last_login is None
    assert sorted(Attempt.objects.values_list("pk", flat=True)) == rows


def test_the_account_opens_again_after_the_window(client, lea):
    fail_five_times(client, "lea@example.test")
    assert log_in(client, "lea@example.test", PASSWORD).status_code == 429
    move_past_the_window()
    response = log_in(client, "lea@example.test", PASSWORD)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(lea.pk)


def test_a_successful_login_clears_the_failures(client, lea):
    for _ in range(4):
        log_in(client, "lea@example.test", "pas-le-bon")
    assert log_in(client, "lea@example.test", PASSWORD).status_code == 302
    client.post(url("logout"))
    fail_five_times(client, "lea@example.test")  # five more, not one
    assert log_in(client, "lea@example.test", PASSWORD).status_code == 429


def test_an_unknown_username_gets_the_same_answers(client, lea):
    fail_five_times(client, "lea@example.test")
    fail_five_times(client, "personne@example.test")
    known = log_in(client, "lea@example.test", PASSWORD)
    unknown = log_in(client, "personne@example.test", PASSWORD)
    assert known.status_code == unknown.status_code == 429
    assert text(known).replace("lea@", "personne@") == text(unknown)


def test_twenty_failures_from_one_address_refuse_every_account_from_it(client, lea):
    for n in range(20):
        response = log_in(client, f"client{n}@example.test", "pas-le-bon")
        assert response.status_code == 200, n
    assert log_in(client, "lea@example.test", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    # Another visitor, elsewhere, logs in to the same account.
    response = log_in(client, "lea@example.test", PASSWORD, address="198.51.100.4")
    assert response.status_code == 302


def test_behind_a_trusted_proxy_each_visitor_has_their_own_count(client, lea, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(20):
        # A guesser changing the start of X-Forwarded-For is still counted by the proxy's entry.
        client.post(url("login"), {"username": f"client{n}@example.test", "password": "x"},
                    REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {HOME}")
    refused = client.post(url("login"), {"username": "lea@example.test", "password": PASSWORD},
                          REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=HOME)
    assert refused.status_code == 429
    accepted = client.post(url("login"), {"username": "lea@example.test", "password": PASSWORD},
                           REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert accepted.status_code == 302


def test_a_form_without_password_does_not_count(client, lea):
    for _ in range(10):
        response = client.post(url("login"), {"username": "lea@example.test", "password": ""})
        assert response.status_code == 200
    assert Attempt.objects.count() == 0
    assert log_in(client, "lea@example.test", PASSWORD).status_code == 302


def test_the_refusal_in_english(client, lea):
    fail_five_times(client, "lea@example.test")
    refused = log_in(client, "lea@example.test", PASSWORD, language="en")
    assert refused.status_code == 429
    assert "Too many login attempts. Try again in 15 minutes." in text(refused)


# --- « Mot de passe oublié ? » -------------------------------------------------------------------

TOO_MANY_RESETS = (
    "Trop de demandes de nouveau mot de passe depuis votre connexion. Réessayez dans 15 minutes."
)


def ask_for_link(client, email, *, address=HOME, language="fr"):
    return client.post(url("password_reset", language), {"email": email}, REMOTE_ADDR=address)


def test_five_reset_requests_per_address_then_nothing_is_queued(client, lea):
    for n in range(5):
        response = ask_for_link(client, f"client{n}@example.test")
        assert response.status_code == 302 and response.url == url("password_reset_sent")
    refused = ask_for_link(client, "lea@example.test")
    assert refused.status_code == 429
    assert TOO_MANY_RESETS in text(refused)
    assert Notification.objects.count() == 0
    # The same answer for an address without an account: nothing tells them apart.
    unknown = ask_for_link(client, "personne@example.test")
    assert text(unknown) == text(refused).replace("lea@", "personne@")
    # Someone else, elsewhere, gets their link.
    assert ask_for_link(client, "lea@example.test", address="198.51.100.4").status_code == 302
    assert Notification.objects.get().recipient == "lea@example.test"


def test_the_reset_refusal_in_english(client):
    for n in range(5):
        ask_for_link(client, f"client{n}@example.test", language="en")
    refused = ask_for_link(client, "lea@example.test", language="en")
    assert refused.status_code == 429
    assert "Too many requests for a new password from your connection. Try again in 15 minutes." in (
        text(refused)
    )
