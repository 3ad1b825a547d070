"""« Mot de passe oublié ? »: the email goes through the outbox, the link sets a new password once."""

import html
import re
from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator

from comptoir.core.testing import make_shop, make_staff_user
from comptoir.customers.models import Customer
from comptoir.customers.services import password_reset_path
from comptoir.notifications.models import Notification
from comptoir.notifications.services import deliver_pending

from .helpers import url

OLD_PASSWORD = "Bleuets-du-Lac-2026"
NEW_PASSWORD = "Tourtiere-de-Noel-2027"
NEUTRAL = "Si un compte existe pour cette adresse"
LINK = re.compile(re.escape(settings.SITE_URL) + r"(/[a-z]{2}/compte/mot-de-passe/[^/\s]+/[^/\s]+/)")


def make_account(email="lea@example.test", **extra):
    return get_user_model().objects.create_user(
        email, email, OLD_PASSWORD, first_name="Léa", last_name="Gagnon", **extra
    )


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def ask_for_link(client, email, language="fr"):
    response = client.post(url("password_reset", language), {"email": email})
    assert response.status_code == 302 and response.url == url("password_reset_sent", language)
    return response


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def link_path(notification) -> str:
    return LINK.search(notification.body_text).group(1)


def password_unchanged(user) -> bool:
    user.refresh_from_db()
    return user.check_password(OLD_PASSWORD) and not user.check_password(NEW_PASSWORD)


@pytest.mark.django_db(transaction=True)
def test_full_reset_flow_through_the_outbox_and_a_real_smtp_server(client, smtp_server):
    make_shop()
    user = make_account()
    login_page = client.get(url("login")).content.decode()
    assert url("password_reset") in login_page and "Mot de passe oublié\u00a0?" in login_page

    ask_for_link(client, "LEA@example.test ")
    assert NEUTRAL in client.get(url("password_reset_sent")).content.decode()
    notification = Notification.objects.get()
    assert (notification.template, notification.recipient, notification.language) == (
        "password_reset", "lea@example.test", "fr",
    )
    assert notification.status == Notification.Status.PENDING
    assert smtp_server.messages == []  # sent by the worker, after the request's transaction

    assert deliver_pending() == 1
    [email] = smtp_server.to("lea@example.test")
    assert " ".join(email["Subject"].split()) == "Choisissez un nouveau mot de passe – Délices du Comptoir"
    body = text_of(email)
    assert "Bonjour Léa Gagnon," in body
    assert "Ce lien est valable 72 heures et ne sert qu'une fois." in body
    path = LINK.search(body).group(1)
    assert path.startswith("/fr/compte/mot-de-passe/")

    # The link moves its token into the session, then asks for the new password.
    response = client.get(path)
    assert response.status_code == 302 and response.url.endswith("/choisir/")
    form_page = client.get(response.url)
    assert "Choisissez un nouveau mot de passe" in form_page.content.decode()

    # Django's validators apply: a weak password is refused and nothing changes.
    weak = client.post(response.url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200 and weak.context["form"].errors
    assert password_unchanged(user)

    done = client.post(response.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done.url == url("account_orders")
    assert client.session["_auth_user_id"] == str(user.pk)  # the customer is logged in
    assert "votre session est ouverte" in client.get(done.url).content.decode()

    client.post(url("logout"))
    refused = client.post(url("login"), {"username": "lea@example.test", "password": OLD_PASSWORD})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    accepted = client.post(url("login"), {"username": "lea@example.test", "password": NEW_PASSWORD})
    assert accepted.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)

    # The link worked once: opened again, it is refused and changes nothing.
    client.post(url("logout"))
    again = client.get(path)
    page = page_text(again)
    assert again.status_code == 200 and "Ce lien ne fonctionne plus" in page
    assert "il a déjà servi" in page and "new_password1" not in page
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_unknown_email_gets_the_same_answer_and_queues_nothing(client):
    make_shop()
    make_account()
    known = client.post(url("password_reset"), {"email": "lea@example.test"})
    unknown = client.post(url("password_reset"), {"email": "personne@example.test"})
    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert Notification.objects.count() == 1
    assert Notification.objects.get().recipient == "lea@example.test"


@pytest.mark.django_db
def test_guests_and_disabled_accounts_get_no_email(client):
    make_shop()
    Customer.objects.create(email="invite@example.test", language="fr")  # a guest: no account
    make_account("ferme@example.test", is_active=False)
    without_password = make_account("sans@example.test")
    without_password.set_unusable_password()
    without_password.save()
    for email in ("invite@example.test", "ferme@example.test", "sans@example.test"):
        ask_for_link(client, email)
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_an_invalid_email_is_refused_on_the_form(client):
    make_shop()
    response = client.post(url("password_reset"), {"email": "pas-une-adresse"})
    assert response.status_code == 200 and response.context["form"].errors["email"]
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_forged_tokens_are_refused_and_change_nothing(client):
    make_shop()
    user = make_account()
    real_path = password_reset_path(user, language="fr")
    uidb64 = real_path.rstrip("/").split("/")[-2]
    forged = [
        url("password_reset_confirm", uidb64=uidb64, token="cn1abc-0123456789abcdef0123456789abcdef"),
        url("password_reset_confirm", uidb64="MTIzNDU2Nzg", token=real_path.rstrip("/").split("/")[-1]),
        # The form's own address, without a checked token in the session:
        url("password_reset_confirm", uidb64=uidb64, token="choisir"),
    ]
    for path in forged:
        for response in (
            client.get(path),
            client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}),
        ):
            page = page_text(response)
            assert response.status_code == 200, path
            assert "Ce lien ne fonctionne plus" in page and "Votre mot de passe n'a pas changé." in page
    assert password_unchanged(user)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_link_expires_after_the_reset_timeout(client, settings):
    settings.PASSWORD_RESET_TIMEOUT = 3600
    make_shop()
    user = make_account()
    ask_for_link(client, "lea@example.test")
    notification = Notification.objects.get()
    assert "Ce lien est valable 1 heure et ne sert qu'une fois." in notification.body_text
    path = link_path(notification)

    def opened_after(seconds):
        # The token generator reads the clock with its ``_now`` (naive local time).
        later = datetime.now() + timedelta(seconds=seconds)
        with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=later):
            return client.get(path)

    assert opened_after(3500).status_code == 302  # still valid just before the timeout
    expired = opened_after(3601)
    assert expired.status_code == 200 and "Ce lien ne fonctionne plus" in page_text(expired)
    assert password_unchanged(user)


@pytest.mark.django_db
def test_english_page_and_the_customers_stored_language(client):
    make_shop()
    user = make_account()
    Customer.objects.create(user=user, email=user.email, language="en")
    page = client.get(url("password_reset", "en")).content.decode()
    assert "Forgot your password?" in page and "Send me a link" in page
    ask_for_link(client, "lea@example.test", language="fr")
    notification = Notification.objects.get()
    assert notification.language == "en"
    assert notification.subject == "Choose a new password – Délices du Comptoir"
    assert "This link works for 72 hours and only once." in notification.body_text
    assert link_path(notification).startswith("/en/compte/mot-de-passe/")


@pytest.mark.django_db
def test_staff_reset_their_password_and_are_sent_to_the_back_office_login(client):
    make_shop()
    staff = make_staff_user(password=OLD_PASSWORD)
    login_page = client.get("/fr/gestion/connexion/").content.decode()
    assert url("password_reset") in login_page and "Mot de passe oublié\u00a0?" in login_page

    ask_for_link(client, staff.email)
    response = client.get(link_path(Notification.objects.get()))
    done = client.post(response.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done.url == "/fr/gestion/connexion/"
    assert "_auth_user_id" not in client.session  # staff log in again, in the back-office
    assert "Connectez-vous avec votre nouveau mot de passe" in client.get(done.url).content.decode()
    login = client.post(done.url, {"username": staff.username, "password": NEW_PASSWORD})
    assert login.status_code == 302 and client.session["_auth_user_id"] == str(staff.pk)
