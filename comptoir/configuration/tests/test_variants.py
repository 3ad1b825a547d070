"""« Options et variantes »: options and values, « Générer toutes les combinaisons », then each
variant's SKU, price, weight and sale; stock adjustments per variant."""

from decimal import Decimal

import pytest
from django.urls import reverse

from comptoir.catalog import selectors
from comptoir.catalog.models import OptionValue, Product, ProductVariant, StockMovement
from comptoir.core.testing import make_product, make_variant_product, variant_of

from .conftest import image_upload

pytestmark = pytest.mark.django_db


def page_url(product):
    return reverse("configuration:product_variants", args=[product.pk])


def options_data(action="generate", **rows):
    """Three option rows (the formset); ``rows``: index -> (name_fr, name_en, values_fr, values_en)."""
    data = {"action": action, "option-TOTAL_FORMS": "3", "option-INITIAL_FORMS": "0",
            "option-MIN_NUM_FORMS": "0", "option-MAX_NUM_FORMS": "3"}
    for index in range(3):
        name_fr, name_en, values_fr, values_en = rows.get(f"row{index}", ("", "", "", ""))
        data.update({f"option-{index}-name_fr": name_fr, f"option-{index}-name_en": name_en,
                     f"option-{index}-values_fr": values_fr, f"option-{index}-values_en": values_en})
    return data


COFFEE_OPTIONS = {"row0": ("Format", "Size", "250 g\n1 kg", "250 g\n1 kg"),
                  "row1": ("Mouture", "Grind", "grains\nmoulu fin", "whole bean\nfine grind")}


def variants_data(product, **changes):
    data = {"action": "variants"}
    for variant in product.variants.all():
        values = {"sku": variant.sku, "price_amount": str(variant.price_amount),
                  "weight_grams": "", "is_active": "on" if variant.is_active else ""}
        values.update(changes.get(variant.label_fr, {}))
        data.update({f"variant-{variant.pk}-{name}": value for name, value in values.items()})
    return data


def labels(product):
    return sorted(product.variants.values_list("label_fr", "sku", "price_amount", "stock", "is_active"))


def test_generate_all_combinations_from_the_options(staff_client, staff):
    product = make_product(name_fr="Café du Plateau", sku="CAF", price_amount=Decimal("14.00"), stock=6)
    assert staff_client.get(page_url(product)).status_code == 200

    response = staff_client.post(page_url(product), options_data(**COFFEE_OPTIONS))

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.has_variants and product.options.count() == 2
    assert labels(product) == [
        ("1 kg, grains", "CAF-1-KG-GRAINS", Decimal("14.00"), 0, True),
        ("1 kg, moulu fin", "CAF-1-KG-MOULU-FIN", Decimal("14.00"), 0, True),
        ("250 g, grains", "CAF-250-G-GRAINS", Decimal("14.00"), 6, True),
        ("250 g, moulu fin", "CAF-250-G-MOULU-FIN", Decimal("14.00"), 0, True),
    ]
    assert variant_of(product, "1 kg", "moulu fin").label_en == "1 kg, fine grind"
    # The product's stock went to the first variant, and the history says so.
    assert product.stock == 0
    moved = sorted(StockMovement.objects.filter(product=product, note__contains="250 g, grains")
                   .values_list("variant__label_fr", "change", "actor"), key=str)
    assert moved == [("250 g, grains", 6, staff.pk), (None, -6, staff.pk)]
    # Generating again makes nothing new.
    staff_client.post(page_url(product), options_data(**COFFEE_OPTIONS))
    assert product.variants.count() == 4


def test_adjust_each_variant_then_the_shop_sells_it_at_its_price(staff_client):
    product = make_variant_product(name_fr="Café du Plateau", sku="CAF")
    big = variant_of(product, "1 kg")

    response = staff_client.post(page_url(product), variants_data(
        product, **{"1 kg": {"sku": "CAF-1KG", "price_amount": "39,95", "weight_grams": "1000"},
                    "250 g": {"price_amount": "12,50"}}))

    assert response.status_code == 302
    big.refresh_from_db()
    assert (big.sku, big.price_amount, big.weight_grams) == ("CAF-1KG", Decimal("39.95"), 1000)
    product.refresh_from_db()
    assert product.price_amount == Decimal("12.50")  # « from »: the lowest price
    assert list(selectors.search_products("CAF-1KG")) == [product]


def test_a_variant_picture_is_stored(staff_client):
    product = make_variant_product()
    data = variants_data(product)
    data[f"variant-{variant_of(product, '1 kg').pk}-image"] = image_upload("sac.png")

    assert staff_client.post(page_url(product), data).status_code == 302
    assert variant_of(product, "1 kg").image.name.startswith("products/")
    assert not variant_of(product, "250 g").image


def test_a_sku_already_used_saves_no_variant(staff_client):
    make_product(sku="PRIS")
    product = make_variant_product(sku="CAF")
    before = labels(product)

    response = staff_client.post(page_url(product), variants_data(
        product, **{"1 kg": {"price_amount": "50.00"}, "250 g": {"sku": "PRIS"}}))

    assert response.status_code == 400
    assert "Le code de produit PRIS est déjà utilisé." in response.content.decode()
    assert labels(product) == before


def test_stock_adjustment_per_variant_records_the_movement(staff_client, staff):
    product = make_variant_product()
    big = variant_of(product, "1 kg")

    response = staff_client.post(page_url(product), {"action": "stock", "variant": big.pk, "change": "5",
                                                     "reason": "reception", "note": "Arrivage"})

    assert response.status_code == 302
    big.refresh_from_db()
    assert big.stock == 15 and variant_of(product, "250 g").stock == 10
    movement = StockMovement.objects.get(variant=big)
    assert (movement.product_id, movement.change, movement.reason, movement.actor) == (
        product.pk, 5, "reception", staff)

    response = staff_client.post(page_url(product), {"action": "stock", "variant": big.pk, "change": "-99",
                                                     "reason": "adjustment"})
    assert response.status_code == 400
    big.refresh_from_db()
    assert big.stock == 15 and StockMovement.objects.filter(variant=big).count() == 1


def test_a_product_sold_by_variant_refuses_a_stock_adjustment_of_its_own(staff_client):
    product = make_variant_product()
    url = reverse("configuration:product_adjust_stock", args=[product.pk])

    staff_client.post(url, {"change": "4", "reason": "reception"})

    assert Product.objects.get(pk=product.pk).stock == 0
    assert not StockMovement.objects.filter(product=product).exists()


def test_a_value_used_by_variants_is_not_removed(staff_client):
    product = make_variant_product()

    response = staff_client.post(page_url(product), options_data(
        "options", row0=("Format", "Size", "250 g", "250 g")))

    assert response.status_code == 400
    assert "« 1 kg » est utilisé par des variantes" in response.content.decode()
    assert OptionValue.objects.filter(option__product=product).count() == 2


def test_a_new_value_adds_its_combinations(staff_client):
    product = make_variant_product()

    staff_client.post(page_url(product), options_data(row0=("Format", "Size", "250 g\n1 kg\n2 kg", "")))

    assert product.variants.count() == 3
    assert variant_of(product, "2 kg").stock == 0
    assert ProductVariant.objects.filter(product=product, is_active=True).count() == 3


def test_an_option_without_values_is_refused(staff_client):
    product = make_product()

    response = staff_client.post(page_url(product), options_data(row0=("Format", "", "", "")))

    assert response.status_code == 400
    assert not product.options.exists() and not product.variants.exists()
