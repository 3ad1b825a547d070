"""Search that understands French: accents, case, plurals, SKUs, ranking (SQLite and PostgreSQL)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.catalog import selectors
from comptoir.catalog.models import Product
from comptoir.configuration import services as configuration
from comptoir.configuration.selectors import filtered_products
from comptoir.core.testing import make_category, make_product
from comptoir.core.text import fold, search_terms

pytestmark = pytest.mark.django_db


def test_fold_removes_accents_case_and_punctuation():
    assert fold("Sirop d'ÉRABLE — Œuvre") == "sirop d erable oeuvre"
    assert search_terms("Érables  érables cafés") == ["erable", "cafe"]


@pytest.fixture
def catalogue():
    syrups = make_category(name_fr="Produits de l'érable", name_en="Maple products", slug="erable")
    coffees = make_category(name_fr="Cafés", name_en="Coffees", slug="cafes")
    return {
        "syrup": make_product(syrups, name_fr="Sirop d'érable", name_en="Maple syrup", sku="ERA-001",
                              slug="sirop"),
        "butter": make_product(syrups, name_fr="Beurre", name_en="Butter", sku="ERA-002", slug="beurre",
                               description_fr="Crème fouettée", description_en="Whipped cream"),
        "coffee": make_product(coffees, name_fr="Café du Plateau", name_en="Plateau coffee",
                               sku="CAF-001", slug="cafe"),
        "decaf": make_product(coffees, name_fr="Décaféiné", name_en="Decaf", sku="CAF-0012",
                              slug="deca", description_fr="Un café sans caféine"),
    }


@pytest.mark.parametrize("text", ["erable", "ÉRABLE", "érables", "Erables", "sirop d'erable"])
def test_accents_case_and_plural_find_the_maple_syrup(catalogue, text):
    found = list(selectors.search_products(text))
    assert found[0] == catalogue["syrup"]
    assert catalogue["coffee"] not in found


def test_a_word_of_the_category_finds_its_products(catalogue):
    assert set(selectors.search_products("erable")) == {catalogue["syrup"], catalogue["butter"]}


def test_a_name_match_ranks_before_a_category_or_description_match(catalogue):
    found = list(selectors.search_products("cafe"))
    assert found[0] == catalogue["coffee"]
    assert set(found) == {catalogue["coffee"], catalogue["decaf"]}


def test_the_exact_sku_comes_first(catalogue):
    assert list(selectors.search_products("caf-0012"))[0] == catalogue["decaf"]
    assert list(selectors.search_products("CAF-001"))[0] == catalogue["coffee"]


def test_hidden_products_are_not_found(catalogue):
    Product.objects.filter(pk=catalogue["syrup"].pk).update(is_visible=False)
    assert catalogue["syrup"] not in list(selectors.search_products("sirop"))


def test_edited_names_are_searched_at_once(catalogue):
    coffee = catalogue["coffee"]
    coffee.name_fr, coffee.name_en = "Espresso Mile-End", "Mile-End espresso"
    configuration.update_product(coffee, fields=["name_fr", "name_en"])
    assert list(selectors.search_products("mile end")) == [coffee]
    assert coffee not in list(selectors.search_products("plateau"))


def test_a_renamed_category_is_searched_at_once(catalogue):
    category = catalogue["coffee"].category
    category.name_fr = "Torréfaction artisanale"
    configuration.save_category(category)
    assert set(selectors.search_products("torrefaction")) == {catalogue["coffee"], catalogue["decaf"]}


def test_search_runs_one_query(catalogue):
    with CaptureQueriesContext(connection) as queries:
        list(selectors.search_products("érables sirop"))
    assert len(queries) == 1


@pytest.mark.postgres
def test_postgresql_keeps_the_weighted_document_in_an_indexed_generated_column(catalogue):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'product_search_vector'")
        assert "USING gin (search_vector)" in cursor.fetchone()[0]
        cursor.execute("SELECT search_vector::text FROM catalog_product WHERE id = %s",
                       [catalogue["syrup"].pk])
        assert "'erabl':3A" in cursor.fetchone()[0]  # the name, weight A, stemmed


def test_back_office_product_search_ignores_accents(catalogue):
    assert list(filtered_products(q="decafeine")) == [catalogue["decaf"]]
    assert list(filtered_products(q="CAFÉ")) == [catalogue["coffee"]]
