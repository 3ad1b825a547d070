import pytest
from django.utils import translation

from comptoir.catalog import selectors
from comptoir.core.testing import make_category, make_product

pytestmark = pytest.mark.django_db


def test_hidden_products_and_products_of_hidden_categories_are_not_visible():
    shown = make_category()
    hidden = make_category(is_visible=False)
    visible = make_product(shown)
    make_product(shown, is_visible=False)
    make_product(hidden)
    assert list(selectors.visible_products()) == [visible]
    assert selectors.get_visible_product(visible.slug) == visible
    assert selectors.get_visible_category(hidden.slug) is None


def test_navigation_lists_top_level_visible_categories_in_order():
    second = make_category(position=2)
    first = make_category(position=1)
    make_category(parent=first, position=0)
    make_category(is_visible=False)
    assert list(selectors.visible_categories()) == [first, second]


def test_featured_products_come_in_the_merchant_order():
    category = make_category()
    later = make_product(category, position=5)
    first = make_product(category, position=1)
    assert selectors.featured_products()[:2] == [first, later]


def test_search_finds_either_language_whatever_the_page_language():
    category = make_category()
    english = make_product(category, name_fr="Savon à l'avoine", name_en="Oat soap", sku="SAV-1")
    french_only = make_product(category, name_fr="Tourtière", name_en="", sku="TOU-1",
                               description_fr="Recette de grand-mère", description_en="")
    for language in ("fr", "en"):
        with translation.override(language):
            assert list(selectors.search_products("soap")) == [english]
            assert list(selectors.search_products("avoine")) == [english]
            assert list(selectors.search_products("tourti")) == [french_only]
            assert list(selectors.search_products("tou-1")) == [french_only]
            assert list(selectors.search_products("   ")) == []
