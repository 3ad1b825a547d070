"""Read queries of the storefront. Each returns what a page needs in a fixed number of queries."""

from django.db.models import QuerySet

from .models import Category, Product
from .search import matching_products

FEATURED_COUNT = 8


def visible_categories() -> QuerySet[Category]:
    """Top-level categories shown in the navigation and on the home page."""
    return Category.objects.filter(is_visible=True, parent__isnull=True).order_by("position", "name_fr")


def visible_products() -> QuerySet[Product]:
    """Products a customer may see: visible, in a visible category."""
    return Product.objects.filter(is_visible=True, category__is_visible=True).select_related("category")


def featured_products(limit: int = FEATURED_COUNT) -> list[Product]:
    """The merchant orders products by ``position``: the first ones are the featured ones."""
    return list(visible_products().order_by("position", "-created_at", "id")[:limit])


def get_visible_category(slug: str) -> Category | None:
    return Category.objects.filter(slug=slug, is_visible=True).select_related("parent").first()


def subcategories(category: Category) -> QuerySet[Category]:
    return category.children.filter(is_visible=True).order_by("position", "name_fr")


def category_products(category: Category) -> QuerySet[Product]:
    return visible_products().filter(category=category).order_by("position", "name_fr", "id")


def get_visible_product(slug: str) -> Product | None:
    return visible_products().filter(slug=slug).first()


def search_products(text: str) -> QuerySet[Product]:
    """Visible products matching ``text`` in either language, accents and case aside, best
    first (see ``catalog.search``)."""
    return matching_products(visible_products(), text)
