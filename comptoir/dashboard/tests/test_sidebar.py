import pytest
from django.urls import reverse

from comptoir.core.testing import make_staff_user, sign_in_verified

pytestmark = pytest.mark.django_db


def test_staff_who_is_not_the_owner_does_not_see_configuration(client, shop):
    make_staff_user("commis")
    client.login(username="commis", password="motdepasse-solide-42")
    page = client.get(reverse("dashboard:order_list")).content.decode()
    assert reverse("dashboard:invoice_list") in page
    assert reverse("configuration:settings") not in page


def test_the_owner_sees_configuration(client, shop):
    sign_in_verified(client, make_staff_user("proprio", is_superuser=True))
    page = client.get(reverse("dashboard:order_list")).content.decode()
    assert reverse("configuration:settings") in page
