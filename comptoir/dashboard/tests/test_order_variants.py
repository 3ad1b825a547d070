"""Adding a variant to an order in the back-office: the search lists each variant for sale."""

import pytest
from django.urls import reverse

from comptoir.core.testing import make_order, make_variant_product, variant_of

from .test_views import text

pytestmark = pytest.mark.django_db


def test_the_product_search_lists_variants_and_adds_the_chosen_one(staff_client, shop):
    order = make_order()
    coffee = make_variant_product(name_fr="Café du Plateau", sku="CAF")
    big = variant_of(coffee, "1 kg")
    detail = reverse("dashboard:order_detail", args=[order.number])

    found = staff_client.get(detail + "?produit=Plateau").context["found_products"]
    assert [(item.name, item.price_amount) for item in found] == [
        ("Café du Plateau — 250 g", coffee.variants.get(label_fr="250 g").price_amount),
        ("Café du Plateau — 1 kg", big.price_amount)]
    by_sku = staff_client.get(detail + f"?produit={big.sku}").context["found_products"]
    assert big in [item.variant for item in by_sku]

    response = staff_client.post(reverse("dashboard:order_add_line", args=[order.number]),
                                 {"product": coffee.pk, "variant": big.pk, "quantity": 2}, follow=True)

    line = order.lines.get(variant=big)
    assert (line.name_fr, line.quantity) == ("Café du Plateau — 1 kg", 2)
    assert "Café du Plateau — 1 kg" in text(response)
    big.refresh_from_db()
    assert big.stock == 8


def test_a_product_sold_by_variant_is_not_added_without_its_variant(staff_client, shop):
    order = make_order()
    coffee = make_variant_product()

    response = staff_client.post(reverse("dashboard:order_add_line", args=[order.number]),
                                 {"product": coffee.pk, "quantity": 1}, follow=True)

    assert "Choisissez la variante de" in text(response)
    assert order.lines.count() == 1
    assert sorted(coffee.variants.values_list("stock", flat=True)) == [10, 10]
