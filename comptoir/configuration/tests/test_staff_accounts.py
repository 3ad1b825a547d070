"""Staff accounts (owner only): list, create owner or staff, deactivate."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from comptoir.configuration.permissions import is_shop_owner

from .conftest import errors_of

ACCOUNT = {"username": "julie", "email": "julie@delices.test", "password1": "Erable-Sucre-2026",
           "password2": "Erable-Sucre-2026", "role": "staff"}


def test_list_shows_roles(owner_client, owner, staff):
    html = owner_client.get(reverse("configuration:staff_list")).content.decode()
    assert "proprietaire" in html and "commis" in html and "Propriétaire" in html and "Personnel" in html


@pytest.mark.parametrize("role, expected_owner", [("staff", False), ("owner", True)])
def test_create_account(owner_client, role, expected_owner):
    response = owner_client.post(reverse("configuration:staff_create"), {**ACCOUNT, "role": role})
    assert response.status_code == 302
    user = get_user_model().objects.get(username="julie")
    assert user.is_staff and not user.is_superuser and user.check_password("Erable-Sucre-2026")
    assert is_shop_owner(user) is expected_owner


@pytest.mark.parametrize("changes, field, message", [
    ({"password2": "autre-chose-99"}, "password2", "Les deux mots de passe sont différents."),
    ({"password1": "123", "password2": "123"}, "password1", "Ce mot de passe est trop court."),
    ({"username": "Commis"}, "username", "Ce nom d'utilisateur est déjà pris."),
    ({"email": "pas-un-courriel"}, "email", "Saisissez une adresse de courriel valide."),
])
def test_bad_account_is_refused(owner_client, staff, changes, field, message):
    count = get_user_model().objects.count()
    response = owner_client.post(reverse("configuration:staff_create"), {**ACCOUNT, **changes})
    assert response.status_code == 400
    assert errors_of(response)[field][0].startswith(message)
    assert get_user_model().objects.count() == count


def test_deactivate_and_reactivate(owner_client, staff):
    url = reverse("configuration:staff_set_active", args=[staff.pk])
    owner_client.post(url, {"active": "0"})
    staff.refresh_from_db()
    assert not staff.is_active
    owner_client.post(url, {"active": "1"})
    staff.refresh_from_db()
    assert staff.is_active


def test_owner_cannot_deactivate_self(owner_client, owner):
    response = owner_client.post(reverse("configuration:staff_set_active", args=[owner.pk]),
                                 {"active": "0"}, follow=True)
    assert "Vous ne pouvez pas désactiver votre propre compte." in response.content.decode()
    owner.refresh_from_db()
    assert owner.is_active


def test_last_owner_cannot_be_deactivated(owner_client, owner, django_user_model):
    from comptoir.configuration.services import set_staff_active
    from comptoir.core.errors import DomainError

    other_owner = django_user_model.objects.create_user("autre", is_staff=True)
    other_owner.groups.add(*owner.groups.all())
    set_staff_active(other_owner, active=False, actor=owner)
    helper = django_user_model.objects.create_user("aide", is_staff=True, is_superuser=True)
    set_staff_active(helper, active=False, actor=owner)
    with pytest.raises(DomainError):
        set_staff_active(owner, active=False, actor=other_owner)
    owner.refresh_from_db()
    assert owner.is_active


def test_list_runs_constant_queries(owner_client, owner, staff, django_user_model):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("configuration:staff_list")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert owner_client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for number in range(15):
        user = django_user_model.objects.create_user(f"employe{number}", is_staff=True)
        if number % 2:
            user.groups.add(*owner.groups.all())
    assert queries() == few > 0
    html = owner_client.get(url).content.decode()
    assert html.count("<td>Propriétaire</td>") == 8
