"""« Promotions » in the back-office: list with usage counts, create, edit, deactivate."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptoir.checkout.testing import place_test_order
from comptoir.core.testing import make_category, make_delivery_methods, make_product
from comptoir.promotions.models import Promotion

from .conftest import errors_of

pytestmark = pytest.mark.django_db


def promotion_data(**overrides):
    data = {"name": "Rentrée", "code": " rentree 10 ", "kind": "percent", "value": "10", "skus": "",
            "minimum_amount": "50,00", "starts_on": "2026-09-01", "ends_on": "2026-09-30",
            "usage_limit": "100", "per_customer_limit": "1", "is_active": "on"}
    data.update(overrides)
    return data


def test_create_a_code_with_its_products_and_categories(staff_client):
    coffee = make_product(sku="CAFE-1KG")
    category = make_category()
    response = staff_client.post(reverse("configuration:promotion_create"),
                                 promotion_data(skus="CAFE-1KG", categories=[category.pk]))
    assert response.status_code == 302
    promotion = Promotion.objects.get()
    assert promotion.code == "RENTREE10" and promotion.minimum_amount == Decimal("50.00")
    assert list(promotion.products.all()) == [coffee] and list(promotion.categories.all()) == [category]


def test_bad_input_is_refused_with_clear_errors_and_nothing_saved(staff_client):
    Promotion.objects.create(name="Autre", code="RENTREE10", kind="amount", value=Decimal("5"))
    response = staff_client.post(reverse("configuration:promotion_create"), promotion_data(
        value="150", skus="INCONNU", ends_on="2026-08-01"))
    assert response.status_code == 400
    errors = errors_of(response)
    assert errors["code"] == ["Une autre promotion utilise déjà ce code."]
    assert errors["value"] == ["Entrez un pourcentage supérieur à 0 et d'au plus 100."]
    assert errors["skus"] == ["Aucun produit n'a le code INCONNU."]
    assert errors["ends_on"] == ["La date de fin précède la date de début."]
    assert Promotion.objects.count() == 1


def test_deactivate_then_the_code_is_refused(staff_client):
    promotion = Promotion.objects.create(name="Été", code="ETE", kind="percent", value=Decimal("10"))
    staff_client.post(reverse("configuration:promotion_toggle", args=[promotion.pk]))
    promotion.refresh_from_db()
    assert not promotion.is_active


def test_the_list_shows_usage_counts_in_a_constant_number_of_queries(staff_client):
    make_delivery_methods()
    product = make_product(price_amount=Decimal("20.00"), stock=50)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(reverse("configuration:promotion_list"))
        assert response.status_code == 200
        return len(queries), response

    Promotion.objects.create(name="Un", code="UN", kind="amount", value=Decimal("1"), usage_limit=10)
    place_test_order([(product, 1)], promo_code="UN", email="a@example.test")
    one, _response = count_queries()
    for index in range(5):
        Promotion.objects.create(name=f"P{index}", code=f"P{index}", kind="free_delivery")
    place_test_order([(product, 1)], promo_code="UN", email="b@example.test")
    six, response = count_queries()
    assert one == six
    assert "2 / 10" in response.content.decode()
    assert "Promotions" in response.content.decode()
