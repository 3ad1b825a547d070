"""Odd input in the address bar gives the normal page (or a 404), never a server error: a NUL
byte in a search (PostgreSQL refuses NUL in text), page numbers too large for the database's
OFFSET, negative, or not numbers at all."""

from decimal import Decimal
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model

from comptoir.core.testing import make_category, make_product, make_shop

from .helpers import url

pytestmark = pytest.mark.django_db

# 13 products: two pages of 12 on a category page and on a search for « Café ».
PRODUCT_COUNT = 13

ODD_PAGE_NUMBERS = [
    "9223372036854775807", "9223372036854775808", "99999999999999999999999", "1" * 5000,
    "-1", "-9223372036854775809", "0", "abc", "1e400", "2.5", "²", "٣", "\x00", "",
]


@pytest.fixture
def cafes(db):
    make_shop()
    category = make_category(name_fr="Cafés", name_en="Coffees", slug="cafes")
    return [
        make_product(category, name_fr=f"Café numéro {index}", name_en=f"Coffee number {index}",
                     slug=f"cafe-{index}", price_amount=Decimal("12.00"))
        for index in range(PRODUCT_COUNT)
    ]


def get(client, address: str, **parameters):
    query = "&".join(f"{name}={quote(value, safe='')}" for name, value in parameters.items())
    return client.get(f"{address}?{query}")


@pytest.mark.parametrize("search", ["Caf\x00é", "\x00Café\x00", "Caf\x01\x1bé", "Café\r\n"])
def test_control_characters_are_left_out_of_a_search(client, cafes, search):
    response = get(client, url("search"), q=search)
    assert response.status_code == 200
    assert response.context["query"] == "Café"
    assert response.context["page"].paginator.count == PRODUCT_COUNT


def test_a_search_of_only_a_nul_byte_is_the_empty_search_page(client, cafes):
    response = get(client, url("search"), q="\x00")
    assert response.status_code == 200
    assert response.context["query"] == ""
    assert list(response.context["page"]) == []


@pytest.mark.parametrize("number", ODD_PAGE_NUMBERS)
@pytest.mark.parametrize("page_name", ["category", "search"])
def test_an_odd_page_number_gives_a_normal_page(client, cafes, page_name, number):
    address = url("category", slug="cafes") if page_name == "category" else url("search")
    parameters = {"q": "Café"} if page_name == "search" else {}
    response = get(client, address, page=number, **parameters)
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.num_pages == 2
    # Beyond the end (or below 1): the last page; not a number: the first page.
    assert page.number in (1, 2)
    assert len(page.object_list) == (12 if page.number == 1 else 1)
    assert "Café numéro" in response.content.decode()


def test_a_customer_account_order_list_takes_any_page_number(client, cafes):
    user = get_user_model().objects.create_user(username="marie", password="motdepasse-solide-42")
    client.force_login(user)
    for number in ODD_PAGE_NUMBERS:
        assert get(client, url("account_orders"), page=number).status_code == 200, number


ODD_VALUES = ["\x00", "a\x00b", "9223372036854775808", "-1", "²", "%", "a" * 3000, "https://evil.test/"]


def test_no_storefront_page_fails_on_odd_query_parameters(client, cafes):
    """Every storefront page a visitor can reach with a GET, with odd values in the parameters
    the pages read: never a server error."""
    addresses = [
        url("home"), url("home", "en"), url("search"), url("search", "en"),
        url("category", slug="cafes"), url("category", "en", slug="cafes"),
        url("product", slug="cafe-1"), url("cart"), url("checkout"), url("login"), url("signup"),
        url("password_reset"),
    ]
    errors = []
    for address in addresses:
        for name in ("q", "page", "next"):
            for value in ODD_VALUES:
                status = get(client, address, **{name: value}).status_code
                if status >= 500:
                    errors.append((address, name, value[:20], status))
    assert errors == []
