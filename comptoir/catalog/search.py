"""The folded search columns of products, and the storefront's product search.

Each product keeps three folded columns (see ``core.text``): its names and SKU, with its
variants' SKUs (``search_name``), its category's names (``search_category``) and its descriptions
(``search_description``). ``Product.save`` writes them; ``reindex_category`` rewrites the
category column of a renamed category's products; bulk writers call ``product_search_columns``.

- On PostgreSQL the search is a full-text query (French stemming) over the three columns
  weighted A, B and C, ranked. The weighted document is a stored generated column,
  ``search_vector``, that PostgreSQL keeps up to date itself, with a GIN index (migration
  ``0002_product_search``; the column exists on PostgreSQL only, so the model does not declare
  it): the search stays fast with 100,000 products.
- Elsewhere (SQLite) each typed word must start a word of one of the columns.

Either way a product whose SKU (or one of its variants' SKU) is exactly what was typed comes
first, then those whose name starts a word with the first word typed, then (PostgreSQL) by rank.
"""

from django.apps import apps
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from comptoir.core.text import fold, fold_keeping_punctuation, search_terms

SEARCH_CONFIG = "french"


def product_search_columns(product, category=None, variant_skus=()) -> dict[str, str]:
    """The folded search columns of ``product`` (``category``: its category, if already read;
    ``variant_skus``: the SKUs of its variants, searched like its own)."""
    category = category if category is not None else product.category
    skus = [product.sku, *variant_skus]
    return {
        "search_name": " " + " ".join(
            part for part in (fold(product.name_fr), fold(product.name_en),
                              *(text for sku in skus
                                for text in (fold_keeping_punctuation(sku), fold(sku)))) if part
        ),
        "search_category": category_column(category),
        "search_description": " " + " ".join(
            part for part in (fold(product.description_fr), fold(product.description_en)) if part
        ),
    }


def category_column(category) -> str:
    return " " + " ".join(part for part in (fold(category.name_fr), fold(category.name_en)) if part)


# The stored document of PostgreSQL (``search_vector``), as its migration defines it.
SEARCH_VECTOR_SQL = (
    "setweight(to_tsvector('french'::regconfig, coalesce(search_name, '')), 'A')"
    " || setweight(to_tsvector('french'::regconfig, coalesce(search_category, '')), 'B')"
    " || setweight(to_tsvector('french'::regconfig, coalesce(search_description, '')), 'C')"
)


def reindex_category(category) -> int:
    """Rewrite the category column of the products of ``category`` (after a rename)."""
    return category.products.update(search_category=category_column(category))


def matching_products(products: QuerySet, text: str) -> QuerySet:
    """``products`` that match the search ``text``, best first."""
    terms = search_terms(text)
    if not terms:
        return products.none()
    # Not correlated: the database reads the (few) products of a matching variant SKU once.
    variant_products = apps.get_model("catalog", "ProductVariant").objects.filter(
        sku__iexact=text.strip()).values("product_id")
    exact_sku = Case(When(Q(sku__iexact=text.strip()) | Q(pk__in=variant_products), then=Value(1)),
                     default=Value(0), output_field=IntegerField())
    name_match = Case(When(search_name__contains=" " + terms[0], then=Value(1)), default=Value(0),
                      output_field=IntegerField())
    if connection.vendor == "postgresql":
        query = SearchQuery(" & ".join(f"{term}:*" for term in terms), config=SEARCH_CONFIG,
                            search_type="raw")
        document = RawSQL('"catalog_product"."search_vector"', [], output_field=SearchVectorField())
        return (
            products.annotate(search=document, exact_sku=exact_sku, name_match=name_match)
            .filter(search=query)
            .annotate(rank=SearchRank(document, query))
            .order_by("-exact_sku", "-name_match", "-rank", "position", "id")
        )
    for term in terms:
        products = products.filter(
            Q(search_name__contains=" " + term) | Q(search_category__contains=" " + term)
            | Q(search_description__contains=" " + term)
        )
    return products.annotate(exact_sku=exact_sku, name_match=name_match).order_by(
        "-exact_sku", "-name_match", "position", "id"
    )
