"""On English back-office pages, catalogue text shows in English (and in French on French pages)."""

import pytest
from django.urls import reverse
from django.utils import translation

from comptoir.core.testing import make_category, make_delivery_methods, make_product


def page_in(client, language, name):
    with translation.override(language):
        return client.get(reverse(name)).content.decode()


@pytest.mark.parametrize(("language", "shown", "hidden"), [
    ("en", "<td>3 to 5 business days</td>", "3 à 5 jours ouvrables"),
    ("fr", "<td>3 à 5 jours ouvrables</td>", "3 to 5 business days"),
])
def test_delivery_methods_show_the_expected_delay_in_the_page_language(owner_client, language, shown, hidden):
    make_delivery_methods()
    page = page_in(owner_client, language, "configuration:delivery_list")
    assert shown in page
    assert hidden not in page


@pytest.mark.parametrize(("language", "shown", "hidden"), [
    ("en", "<td>Jams</td>", "Confitures"),
    ("fr", "<td>Confitures</td>", "Jams"),
])
def test_products_show_their_category_in_the_page_language(staff_client, language, shown, hidden):
    make_product(make_category(name_fr="Confitures", name_en="Jams"))
    page = page_in(staff_client, language, "configuration:product_list")
    assert shown in page
    assert hidden not in page


@pytest.mark.parametrize(("language", "shown"), [("en", "<td>Jams</td>"), ("fr", "<td>Confitures</td>")])
def test_categories_show_their_parent_in_the_page_language(staff_client, language, shown):
    parent = make_category(name_fr="Confitures", name_en="Jams")
    make_category(name_fr="Gelées", name_en="Jellies", parent=parent)
    assert shown in page_in(staff_client, language, "configuration:category_list")
