"""Read queries of the storefront. Each returns what a page needs in a fixed number of queries."""

from django.db.models import Q, QuerySet

from comptoir.core.i18n import current_language

from .models import Category, Product

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


def search_products(text: str, language: str | None = None) -> QuerySet[Product]:
    """Products whose name or description (in ``language``) or SKU contains ``text``."""
    text = (text or "").strip()
    if not text:
        return Product.objects.none()
    language = language or current_language()
    condition = Q(sku__icontains=text)
    for field in ("name", "description"):
        condition |= Q(**{f"{field}_{language}__icontains": text})
        if language != "fr":
            # Catalogue text falls back to French where the English text is empty.
            condition |= Q(**{f"{field}_en": "", f"{field}_fr__icontains": text})
    return visible_products().filter(condition).order_by("position", "name_fr", "id")
