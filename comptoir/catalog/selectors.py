"""Read queries of the storefront. Each returns what a page needs in a fixed number of queries."""

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from comptoir.core.prepared import PreparedQuery

from .models import Category, Product, ProductVariant
from .search import matching_products

FEATURED_COUNT = 8


def visible_categories() -> QuerySet[Category]:
    """Top-level categories shown in the navigation and on the home page."""
    return Category.objects.filter(is_visible=True, parent__isnull=True).order_by("position", "name_fr")


_NAVIGATION = PreparedQuery(visible_categories)


def navigation_categories() -> list[Category]:
    """``visible_categories()`` as a list, by a prepared query (every storefront page shows them)."""
    return _NAVIGATION()


def visible_products() -> QuerySet[Product]:
    """Products a customer may see: visible, in a visible category."""
    return Product.objects.filter(is_visible=True, category__is_visible=True).select_related("category")


def with_variants(products) -> list[Product]:
    """``products`` as a list, the variants of those sold by variant read in one query (none when
    no product of the list is sold by variant): a listing shows their stock."""
    products = list(products)
    prefetch_related_objects([product for product in products if product.has_variants], "variants")
    return products


def featured_products(limit: int = FEATURED_COUNT) -> list[Product]:
    """The merchant orders products by ``position``: the first ones are the featured ones."""
    return with_variants(visible_products().order_by("position", "-created_at", "id")[:limit])


def get_visible_category(slug: str) -> Category | None:
    return Category.objects.filter(slug=slug, is_visible=True).select_related("parent").first()


def subcategories(category: Category) -> QuerySet[Category]:
    return category.children.filter(is_visible=True).order_by("position", "name_fr")


def category_products(category: Category) -> QuerySet[Product]:
    return visible_products().filter(category=category).order_by("position", "name_fr", "id")


def get_visible_product(slug: str) -> Product | None:
    """The product page's product; for a product sold by variant, with its options, values and
    variants (a fixed number of queries; none more for a product without options)."""
    product = visible_products().filter(slug=slug).first()
    if product is not None and product.has_variants:
        prefetch_related_objects([product], "options__values", Prefetch(
            "variants", queryset=ProductVariant.objects.prefetch_related("values")))
    return product


def search_products(text: str) -> QuerySet[Product]:
    """Visible products matching ``text`` in either language, accents and case aside, best
    first (see ``catalog.search``)."""
    return matching_products(visible_products(), text)
