"""« Rapports et stock »: fiscal year, filing frequency, closed-period policy, low stock."""

import pytest
from django.urls import reverse

from comptoir.core.testing import make_product
from comptoir.merchant.models import ShopSettings

from .conftest import errors_of

pytestmark = pytest.mark.django_db
SETTINGS = {"fiscal_year_start_month": "4", "filing_frequency": "monthly", "closed_period_policy": "flag",
            "low_stock_threshold": "3", "alert_low_stock": "email"}


def fields(shop: ShopSettings) -> tuple:
    return (shop.fiscal_year_start_month, shop.filing_frequency, shop.closed_period_policy,
            shop.low_stock_threshold, shop.alert_low_stock)


def test_the_owner_saves_the_report_settings(owner_client):
    page = owner_client.get(reverse("configuration:report_settings")).content.decode()
    assert "Rapports et stock" in page and "avril" in page
    response = owner_client.post(reverse("configuration:report_settings"), SETTINGS)
    assert response.status_code == 302
    assert fields(ShopSettings.load()) == (4, "monthly", "flag", 3, "email")


@pytest.mark.parametrize("changes, field", [
    ({"fiscal_year_start_month": "13"}, "fiscal_year_start_month"),
    ({"filing_frequency": "weekly"}, "filing_frequency"),
    ({"low_stock_threshold": "-1"}, "low_stock_threshold"),
    ({"alert_low_stock": "sms"}, "alert_low_stock"),  # no mobile number for alerts yet
])
def test_bad_report_settings_are_refused_and_nothing_changes(owner_client, changes, field):
    before = fields(ShopSettings.load())
    response = owner_client.post(reverse("configuration:report_settings"), {**SETTINGS, **changes})
    assert response.status_code == 400
    assert errors_of(response)[field]
    assert fields(ShopSettings.load()) == before


def test_staff_who_are_not_the_owner_cannot_change_them(staff_client):
    before = fields(ShopSettings.load())
    response = staff_client.post(reverse("configuration:report_settings"), SETTINGS)
    assert response.status_code == 403
    assert fields(ShopSettings.load()) == before


def test_the_product_list_filters_low_stock(owner_client):
    ShopSettings.objects.filter(pk=1).update(low_stock_threshold=2)
    make_product(name_fr="Presque épuisé", stock=2)
    make_product(name_fr="Seuil à lui", stock=8, low_stock_threshold=10)
    make_product(name_fr="Bien garni", stock=9)
    page = owner_client.get(reverse("configuration:product_list"), {"stock": "low"}).content.decode()
    assert "Presque épuisé" in page and "Seuil à lui" in page and "Bien garni" not in page
