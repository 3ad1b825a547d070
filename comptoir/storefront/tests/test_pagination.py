"""``listing_page`` gives the pages ``Paginator.get_page`` gives, with one query for a page."""

import pytest
from django.core.paginator import Paginator

from comptoir.catalog.models import Product
from comptoir.core.testing import make_category, make_product
from comptoir.storefront.pagination import listing_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def products():
    category = make_category()
    for index in range(7):
        make_product(category, sku=f"PG-{index}", slug=f"page-{index}", name_fr=f"Produit {index}")
    return Product.objects.order_by("sku")


@pytest.mark.parametrize("number", [None, "", "1", "2", "3", "4", "99", "0", "-1", "abc", "2.0"])
def test_same_page_as_the_paginator(products, number):
    expected = Paginator(products, 3).get_page(number)
    page = listing_page(products, number, per_page=3)
    assert page.number == expected.number
    assert list(page.object_list) == list(expected.object_list)
    assert page.paginator.count == 7 and page.paginator.num_pages == 3


def test_one_query_for_a_page_in_range(products, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = listing_page(products, "2", per_page=3)
        assert [product.sku for product in page] == ["PG-3", "PG-4", "PG-5"]
        assert page.has_next() and page.paginator.num_pages == 3


def test_an_empty_listing_is_one_empty_first_page(django_assert_num_queries):
    with django_assert_num_queries(1):
        page = listing_page(Product.objects.all(), None, per_page=3)
        assert list(page) == [] and page.number == 1 and page.paginator.count == 0
