"""The sign-in backend: Django's ModelBackend, with the signed-in account read by a prepared
query. The same accounts come back, and the same ones are signed out."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, get_user
from django.test import RequestFactory

from comptoir.core.testing import make_staff_user
from comptoir.security import backends

pytestmark = pytest.mark.django_db

PASSWORD = "motdepasse-solide-42"


def signed_in(client):
    """``auth.get_user`` for the next request of ``client``'s session."""
    request = RequestFactory().get("/")
    request.session = client.session
    return get_user(request)


def test_a_password_sign_in_records_comptoirs_backend_and_reads_the_account_back(client):
    user = make_staff_user(password=PASSWORD)
    assert client.login(username=user.username, password=PASSWORD)
    assert client.session[BACKEND_SESSION_KEY] == backends.PATH
    again = signed_in(client)
    assert again == user and again.is_authenticated
    assert (again.username, again.is_staff, again.email) == (user.username, True, user.email)


def test_a_wrong_password_signs_nobody_in(client):
    user = make_staff_user(password=PASSWORD)
    assert not client.login(username=user.username, password="pas-le-bon-mot")
    assert not signed_in(client).is_authenticated


def test_an_account_made_inactive_or_deleted_is_signed_out_at_its_next_request(client):
    user = make_staff_user(password=PASSWORD)
    client.login(username=user.username, password=PASSWORD)
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert not signed_in(client).is_authenticated
    type(user).objects.filter(pk=user.pk).update(is_active=True)
    assert signed_in(client) == user
    user.delete()
    assert not signed_in(client).is_authenticated


def test_a_changed_password_signs_the_other_sessions_out(client):
    user = make_staff_user(password=PASSWORD)
    client.login(username=user.username, password=PASSWORD)
    user.set_password("un-autre-mot-de-passe-99")
    user.save()
    assert not signed_in(client).is_authenticated


def test_a_session_recorded_under_another_backend_path_is_signed_out(client):
    user = make_staff_user(password=PASSWORD)
    client.login(username=user.username, password=PASSWORD)
    session = client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    assert not signed_in(client).is_authenticated


def test_the_back_office_opens_for_a_staff_member_signed_in_with_a_password(client):
    from comptoir.core.testing import make_shop

    make_shop()
    user = make_staff_user(password=PASSWORD)
    response = client.post("/fr/gestion/connexion/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/fr/gestion/commandes/").status_code == 200
