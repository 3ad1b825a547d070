"""The product page of a product sold by variant, without JavaScript: radio groups per option,
the server finds the variant; the cart shows and changes each variant's line."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.catalog.models import ProductVariant
from comptoir.checkout.models import CartLine
from comptoir.core.testing import make_category, make_product, make_shop, make_variant_product, variant_of

from .helpers import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def coffee():
    make_shop()
    return make_variant_product(
        make_category(slug="cafes"), name_fr="Café du Plateau", name_en="Plateau coffee", slug="cafe-plateau",
        options=[("Format", "Size", [("250 g", "250 g"), ("1 kg", "1 kg")]),
                 ("Mouture", "Grind", [("grains", "whole bean"), ("moulu fin", "fine grind")])],
        variants={("250 g", "grains"): ("12.95", 8), ("250 g", "moulu fin"): ("12.95", 0),
                  ("1 kg", "grains"): ("39.95", 5), ("1 kg", "moulu fin"): ("41.95", 2)},
    )


def option_fields(product, *values):
    """The radio buttons a customer ticks: option_<id> = value id, for the values named."""
    fields = {}
    for option in product.options.prefetch_related("values"):
        for value in option.values.all():
            if value.name_fr in values:
                fields[f"option_{option.pk}"] = str(value.pk)
    return fields


def add(client, product, quantity=1, **fields):
    return client.post(url("cart_add", slug=product.slug), {"quantity": str(quantity), **fields})


def cart_lines():
    return sorted(CartLine.objects.values_list("variant__label_fr", "quantity"))


def messages_of(client):
    return [str(message) for message in client.get(url("cart")).context["messages"]]


def test_the_page_offers_each_option_as_radio_buttons_and_lists_the_choices(client, coffee):
    page = client.get(url("product", slug="cafe-plateau")).content.decode()

    assert "<legend>Format</legend>" in page and "<legend>Mouture</legend>" in page
    assert page.count('type="radio"') == 4
    assert "Choix offerts" in page
    for price in ("12,95\u00a0$", "39,95\u00a0$", "41,95\u00a0$"):
        assert price in page
    assert 'data-variants="' in page and "storefront/variants.js" in page


def test_the_page_shows_the_variant_of_the_address(client, coffee):
    big = variant_of(coffee, "1 kg", "moulu fin")

    response = client.get(url("product", slug="cafe-plateau") + f"?variante={big.pk}")

    assert response.context["chosen"] == big
    assert '<span id="variant-price">41,95\u00a0$</span>' in response.content.decode()
    assert f'<span id="variant-sku">{big.sku}</span>' in response.content.decode()


def test_adding_the_chosen_combination_without_javascript(client, coffee):
    response = add(client, coffee, 2, **option_fields(coffee, "1 kg", "grains"))

    assert response.url == url("cart")
    assert cart_lines() == [("1 kg, grains", 2)]
    cart = client.get(url("cart"))
    assert "« Café du Plateau — 1 kg, grains » a été ajouté à votre panier." in [
        str(message) for message in cart.context["messages"]]
    page = cart.content.decode()
    assert "Café du Plateau — 1 kg, grains" in page and "79,90\u00a0$" in page


def test_each_variant_has_its_own_line_in_the_cart_changed_and_removed_on_its_own(client, coffee):
    big, small = variant_of(coffee, "1 kg", "grains"), variant_of(coffee, "250 g", "grains")
    add(client, coffee, 1, **option_fields(coffee, "1 kg", "grains"))
    add(client, coffee, 1, **option_fields(coffee, "250 g", "grains"))

    update = url("cart_update", product_id=coffee.pk)
    client.post(update, {"variant": str(small.pk), "quantity": "3", "update": ""})
    assert cart_lines() == [("1 kg, grains", 1), ("250 g, grains", 3)]
    client.post(update, {"variant": str(big.pk), "quantity": "9", "update": ""})
    assert cart_lines() == [("1 kg, grains", 1), ("250 g, grains", 3)]  # only 5 in stock
    client.post(url("cart_update", product_id=coffee.pk), {"variant": str(big.pk), "remove": ""})
    assert cart_lines() == [("250 g, grains", 3)]


@pytest.mark.parametrize("values, message", [
    (("1 kg",), "Choisissez « Mouture »."),
    ((), "Choisissez « Format »."),
])
def test_an_option_not_chosen_adds_nothing(client, coffee, values, message):
    response = add(client, coffee, 1, **option_fields(coffee, *values))

    assert response.url == coffee.get_absolute_url()
    assert not CartLine.objects.exists()
    assert message in messages_of(client)


def test_an_unavailable_combination_adds_nothing_with_a_clear_message(client, coffee):
    ProductVariant.objects.filter(pk=variant_of(coffee, "1 kg", "grains").pk).update(is_active=False)

    add(client, coffee, 1, **option_fields(coffee, "1 kg", "grains"))

    assert not CartLine.objects.exists()
    assert "Cette combinaison n'est pas offerte." in messages_of(client)


def test_a_value_of_another_product_is_refused(client, coffee):
    other = make_variant_product(slug="autre-cafe")
    fields = option_fields(coffee, "1 kg", "grains")
    option_id = next(key for key in fields)
    fields[option_id] = str(other.options.get().values.first().pk)

    add(client, coffee, 1, **fields)

    assert not CartLine.objects.exists()


def test_an_out_of_stock_variant_adds_nothing(client, coffee):
    add(client, coffee, 1, **option_fields(coffee, "250 g", "moulu fin"))

    assert not CartLine.objects.exists()
    assert "Désolé, « Café du Plateau — 250 g, moulu fin » est épuisé." in messages_of(client)


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_pages_run_the_same_number_of_queries_for_few_or_many_variants(client):
    make_shop()
    category = make_category(slug="cafes")
    few = make_variant_product(category, slug="peu")
    many = make_variant_product(
        category, slug="beaucoup",
        options=[("Format", "Size", [(f"{n} g", f"{n} g") for n in (100, 250, 500, 1000)]),
                 ("Mouture", "Grind", [("grains", "beans"), ("fin", "fine"), ("moyen", "medium")])],
        variants={})
    make_product(category, slug="simple")
    for product in (few, many):
        for variant in product.variants.all():
            ProductVariant.objects.filter(pk=variant.pk).update(stock=3)
    add(client, few, 1, **option_fields(few, "1 kg"))
    small = {page: count_queries(client, path) for page, path in (
        ("product", url("product", slug="peu")), ("category", url("category", slug="cafes")),
        ("cart", url("cart")), ("home", url("home")))}

    for index in range(6):
        make_variant_product(category, slug=f"autre-{index}")
    for values in (("100 g", "grains"), ("250 g", "fin"), ("1000 g", "moyen")):
        add(client, many, 1, **option_fields(many, *values))
    large = {page: count_queries(client, path) for page, path in (
        ("product", url("product", slug="beaucoup")), ("category", url("category", slug="cafes")),
        ("cart", url("cart")), ("home", url("home")))}

    assert CartLine.objects.count() == 4
    assert small == large
