from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from comptoir.taxes.services import TAX_LABELS

register = template.Library()


@register.filter
def tax_label(code: str) -> str:
    """« TPS » / « GST » for a tax code (order and invoice taxes store only the code)."""
    return str(TAX_LABELS.get(code, code))


# {url name: URL with a placeholder slug}, per language and script prefix: pages link to many
# products and categories, and a full ``reverse`` for each link is a noticeable part of a page.
_SLUG = "slug-placeholder"
_SLUG_URLS: dict[tuple[str, str, str], str] = {}
SLUG_URL_NAMES = {"category": "storefront:category", "product": "storefront:product"}


@register.simple_tag
def slug_url(kind: str, slug: str) -> str:
    """The URL of a category or product page (``kind``) from its slug, like ``get_absolute_url``.

    Slugs only hold the characters ``[-a-zA-Z0-9_]``, which URLs carry as they are, so putting
    the slug in place of a placeholder gives what ``reverse`` would.
    """
    key = (kind, get_language() or "", get_script_prefix())
    pattern = _SLUG_URLS.get(key)
    if pattern is None:
        pattern = _SLUG_URLS[key] = reverse(SLUG_URL_NAMES[kind], kwargs={"slug": _SLUG})
    return pattern.replace(_SLUG, slug)


@register.simple_tag
def category_nav_items(categories, current=None) -> str:
    """The ``<li>`` links of the category navigation, the current category marked: one tag
    instead of a template loop over every category on every storefront page (same HTML)."""
    current_pk = getattr(current, "pk", None)
    separator = "\n        "
    marked = mark_safe(' aria-current="page"')  # a constant
    return format_html_join("", separator + "{}" + separator, (
        (format_html('<li><a href="{}"{}>{}</a></li>', slug_url("category", category.slug),
                     marked if current_pk is not None and category.pk == current_pk else "",
                     category.name),)
        for category in categories
    ))
