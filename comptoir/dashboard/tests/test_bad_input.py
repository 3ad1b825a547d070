"""Odd input in the back-office's address bar gives the normal page, never a server error: NUL
and other control characters in a search (PostgreSQL refuses NUL in text) are left out,
page numbers and « avant »/« après » positions out of range or not numbers are ignored."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from comptoir.core.testing import make_order, make_product, sign_in_verified
from comptoir.invoicing.services import issue_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(merchant, client):
    """The merchant as the shop's owner, signed in with the two-factor step done."""
    merchant.is_superuser = True
    merchant.save()
    sign_in_verified(client, merchant)
    return merchant


@pytest.fixture
def invoiced_order(shop, owner):
    order = make_order([(make_product(name_fr="Sirop d'érable", sku="ERA-1"), 1)], email="marie@example.test")
    issue_invoice(order, actor=owner)
    return order


def get(client, address: str, **parameters):
    query = "&".join(f"{name}={quote(value, safe='')}" for name, value in parameters.items())
    return client.get(f"{address}?{query}")


@pytest.mark.parametrize(("list_name", "search", "context_name"), [
    ("dashboard:order_list", "Trem\x00blay", "orders"),
    ("dashboard:invoice_list", "Marie\x00 Trem\x00blay", "invoices"),
    ("dashboard:customer_list", "\x00Tremblay\x1b", "customers"),
    ("configuration:product_list", "ERA\x00-1", "page"),
])
def test_a_search_with_control_characters_finds_what_it_names(staff_client, invoiced_order, list_name,
                                                              search, context_name):
    response = get(staff_client, reverse(list_name), q=search)
    assert response.status_code == 200
    assert len(list(response.context[context_name])) == 1


@pytest.mark.parametrize("search", ["\x00", "\x00\x00\x00", "\x01\x1b\x7f"])
@pytest.mark.parametrize(("list_name", "context_name"), [
    ("dashboard:order_list", "orders"), ("dashboard:invoice_list", "invoices"),
    ("dashboard:customer_list", "customers"), ("configuration:product_list", "page"),
])
def test_a_search_of_control_characters_only_is_no_search(staff_client, invoiced_order, list_name,
                                                          context_name, search):
    make_order(email="paul@example.test")  # a second row: the list is not filtered
    response = get(staff_client, reverse(list_name), q=search)
    assert response.status_code == 200
    expected = {"orders": 2, "invoices": 1, "customers": 2, "page": 2}[context_name]
    assert len(list(response.context[context_name])) == expected


def test_a_product_search_on_the_order_page_ignores_a_nul_byte(staff_client, invoiced_order):
    response = get(staff_client, reverse("dashboard:order_detail", args=[invoiced_order.number]),
                   produit="Sirop\x00")
    assert response.status_code == 200
    assert [product.sku for product in response.context["found_products"]] == ["ERA-1"]


ODD_NUMBERS = [
    "9223372036854775807", "9223372036854775808", "99999999999999999999999", "1" * 5000, "-1", "0",
    "abc", "1e400", "2.5", "²", "٣", "\x00",
]


@pytest.mark.parametrize("number", ODD_NUMBERS)
def test_odd_positions_and_page_numbers_give_the_list(staff_client, invoiced_order, number):
    for list_name in ("dashboard:order_list", "dashboard:invoice_list"):
        for parameter in ("avant", "apres", "page", "q"):
            response = get(staff_client, reverse(list_name), **{parameter: number})
            assert response.status_code == 200, (list_name, parameter)
    for list_name in ("dashboard:customer_list", "configuration:product_list",
                      "configuration:notification_log"):
        response = get(staff_client, reverse(list_name), page=number)
        assert response.status_code == 200, list_name
        assert response.context["page"].number == 1


ODD_VALUES = ["\x00", "a\x00b", "9223372036854775808", "-1", "²", "%", "a" * 3000, "https://evil.test/"]


def test_no_back_office_page_fails_on_odd_query_parameters(staff_client, invoiced_order):
    number = invoiced_order.number
    addresses = [
        reverse("dashboard:order_list"), reverse("dashboard:order_detail", args=[number]),
        reverse("dashboard:order_invoice", args=[number]), reverse("dashboard:invoice_list"),
        reverse("dashboard:customer_list"),
        reverse("dashboard:customer_detail", args=[invoiced_order.customer_id]),
        reverse("configuration:product_list"), reverse("configuration:category_list"),
        reverse("configuration:notification_log"), reverse("configuration:delivery_list"),
        reverse("configuration:staff_list"), reverse("configuration:settings"),
    ]
    parameters = ["q", "page", "avant", "apres", "status", "channel", "produit", "category", "visibility",
                  "stock", "next"]
    errors = []
    for address in addresses:
        for name in parameters:
            for value in ODD_VALUES:
                status = get(staff_client, address, **{name: value}).status_code
                if status >= 500:
                    errors.append((address, name, value[:20], status))
    assert errors == []
