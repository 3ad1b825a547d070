from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.checkout.models import CartLine
from comptoir.core.testing import make_category, make_delivery_methods, make_product, make_shop

from .helpers import add_to_cart, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return make_shop()


@pytest.fixture
def jams(shop):
    category = make_category(name_fr="Confitures", name_en="Jams", slug="confitures")
    product = make_product(
        category,
        name_fr="Confiture de bleuets",
        name_en="Blueberry jam",
        slug="confiture-bleuets",
        sku="CONF-BLEU",
        price_amount=Decimal("8.50"),
        stock=3,
        description_fr="Petits fruits du Lac-Saint-Jean.",
        description_en="Wild berries from Lac-Saint-Jean.",
    )
    return category, product


def test_home_shows_categories_and_featured_products_in_french(client, jams):
    page = client.get(url("home")).content.decode()
    assert "Confitures" in page and "Confiture de bleuets" in page
    assert "8,50\u00a0$" in page
    assert 'lang="fr"' in page


def test_home_in_english(client, jams):
    page = client.get(url("home", "en")).content.decode()
    assert "Jams" in page and "Blueberry jam" in page and "$8.50" in page
    assert 'lang="en"' in page


def test_category_lists_only_visible_products_with_pagination(client, jams):
    category, _product = jams
    make_product(category, name_fr="Produit caché", is_visible=False)
    for index in range(13):
        make_product(category, name_fr=f"Gelée {index:02d}", position=10 + index)
    first = client.get(url("category", slug="confitures"))
    assert first.status_code == 200
    assert len(first.context["page"].object_list) == 12
    assert "Produit caché" not in first.content.decode()
    second = client.get(url("category", slug="confitures") + "?page=2")
    assert len(second.context["page"].object_list) == 2


def test_hidden_category_is_not_found(client, shop):
    make_category(slug="secrete", is_visible=False)
    assert client.get(url("category", slug="secrete")).status_code == 404


def test_product_page_shows_price_stock_and_add_to_cart(client, jams):
    page = client.get(url("product", slug="confiture-bleuets")).content.decode()
    assert "Confiture de bleuets" in page
    assert "8,50\u00a0$" in page and "taxes en sus" in page
    assert "Plus que 3 en stock" in page
    assert "Ajouter au panier" in page


def test_out_of_stock_product_has_no_add_button(client, shop):
    make_product(slug="epuise", stock=0)
    page = client.get(url("product", slug="epuise")).content.decode()
    assert "Épuisé" in page
    assert "Ajouter au panier" not in page


def test_hidden_product_is_not_found(client, shop):
    make_product(slug="cache", is_visible=False)
    assert client.get(url("product", slug="cache")).status_code == 404


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "bleuets"),
        ("fr", "conf-bleu"),
        ("fr", "lac-saint"),
        ("en", "blueberry"),
        ("en", "wild berries"),
    ],
)
def test_search_finds_by_name_description_or_sku(client, jams, language, text):
    response = client.get(url("search", language) + f"?q={text}")
    assert [p.sku for p in response.context["page"].object_list] == ["CONF-BLEU"]


def test_search_in_french_also_finds_the_english_name(client, jams):
    response = client.get(url("search") + "?q=blueberry")
    assert [p.sku for p in response.context["page"].object_list] == ["CONF-BLEU"]


def test_search_without_a_match_says_so(client, jams):
    response = client.get(url("search") + "?q=kumquat")
    assert list(response.context["page"].object_list) == []
    assert "Aucun produit" in response.content.decode()


def test_language_switch_keeps_the_current_page(client, jams):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": url("product", slug="confiture-bleuets")}
    )
    assert response.status_code == 302
    assert response.url == url("product", "en", slug="confiture-bleuets")
    page = client.get(response.url).content.decode()
    assert "Blueberry jam" in page


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def grow_catalogue(category, start, stop):
    for index in range(start, stop):
        make_product(category, name_fr=f"Article {index}", slug=f"article-{index}", description_fr="gourmand")


@pytest.mark.parametrize("page_name", ["home", "category", "product", "search", "cart"])
def test_pages_run_the_same_number_of_queries_for_3_or_60_products(client, shop, page_name):
    make_delivery_methods()
    category = make_category(slug="epicerie")
    grow_catalogue(category, 0, 3)
    for product in category.products.all():
        add_to_cart(client, product)
    path = {
        "home": url("home"),
        "category": url("category", slug="epicerie"),
        "product": url("product", slug="article-0"),
        "search": url("search") + "?q=gourmand",
        "cart": url("cart"),
    }[page_name]
    small_count = count_queries(client, path)

    grow_catalogue(category, 3, 60)
    for product in category.products.order_by("id")[3:30]:
        add_to_cart(client, product)
    assert CartLine.objects.count() == 30
    large_count = count_queries(client, path)

    assert small_count == large_count
    assert large_count <= 10


def test_catalogue_mode_shows_products_but_refuses_the_cart(client, jams):
    make_shop(catalogue_mode=True)
    _category, product = jams
    page = client.get(url("product", slug=product.slug)).content.decode()
    assert "Confiture de bleuets" in page and "Ajouter au panier" not in page

    response = add_to_cart(client, product)
    assert response.status_code == 302 and response.url == url("home")
    assert CartLine.objects.count() == 0
    for name in ("cart", "checkout", "checkout_review"):
        response = client.get(url(name), follow=True)
        assert "ne prend pas de commandes en ligne" in response.content.decode()
