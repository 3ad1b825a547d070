"""Home, category pages, product pages and search."""

import json

from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string

from comptoir.catalog import selectors
from comptoir.catalog.stock import shown_stock
from comptoir.checkout.cart import MAX_QUANTITY
from comptoir.core.money import format_amount
from comptoir.core.page_cache import cached_for_visitors
from comptoir.core.search import clean_search_text, is_plain_number

from ..forms import QuantityForm
from ..pagination import listing_page
from ..shop import current_shop

PAGE_SIZE = 12


@cached_for_visitors
def home(request):
    return render(request, "storefront/catalog/home.html", {
        "categories": list(selectors.visible_categories()),
        "featured_products": selectors.featured_products(),
    })


@cached_for_visitors
def category(request, slug):
    category = selectors.get_visible_category(slug)
    if category is None:
        raise Http404
    page = listing_page(selectors.category_products(category), request.GET.get("page"), per_page=PAGE_SIZE)
    page.object_list = selectors.with_variants(page.object_list)
    return render(request, "storefront/catalog/category.html", {
        "category": category,
        "subcategories": list(selectors.subcategories(category)),
        "page": page,
    })


@cached_for_visitors
def product(request, slug):
    product = selectors.get_visible_product(slug)
    if product is None:
        raise Http404
    context = {"product": product, "form": QuantityForm(), "stock": product.stock,
               "can_order": not current_shop(request).catalogue_mode}
    if product.has_variants:
        context.update(_variant_choice(request, product))
    context["quantity_max"] = quantity_max(context["stock"])
    return render(request, "storefront/catalog/product.html", context)


def quantity_max(stock: int) -> int:
    """The quantity field's maximum: the stock when the page shows it in numbers (« Only 3
    left »), else the most a cart line takes. The page shows no more of the stock than
    ``catalog.stock.shown_stock`` (a sale that leaves that the same keeps the kept pages); adding
    more than the stock is refused with its number (``checkout.cart.add_to_cart``)."""
    shown = shown_stock(stock)
    return MAX_QUANTITY if shown is None else shown


def _variant_choice(request, product) -> dict:
    """The variants offered, the one shown (``?variante=<id>``, else the first in stock) and,
    for ``variants.js``, what follows the customer's choice."""
    variants = product.active_variants
    wanted = request.GET.get("variante", "")
    chosen = next((variant for variant in variants
                   if is_plain_number(wanted) and variant.pk == int(wanted)), None)
    chosen = chosen or next((variant for variant in variants if variant.stock > 0), None) or (
        variants[0] if variants else None)
    data = [{
        "values": [value.pk for value in variant.values.all()],
        "price": format_amount(variant.price_amount), "sku": variant.sku,
        "stock": quantity_max(variant.stock),
        "image": variant.display_image.url if variant.display_image else "",
        "stock_html": render_to_string("storefront/includes/stock_state.html", {"stock": variant.stock}),
    } for variant in variants]
    return {
        "variants": variants, "chosen": chosen, "options": list(product.options.all()),
        "stock": chosen.stock if chosen else 0,
        "chosen_values": {value.pk for value in chosen.values.all()} if chosen else set(),
        "variants_json": json.dumps(data),
    }


def search(request):
    text = clean_search_text(request.GET.get("q"))
    page = listing_page(selectors.search_products(text), request.GET.get("page"), per_page=PAGE_SIZE)
    page.object_list = selectors.with_variants(page.object_list)
    return render(request, "storefront/catalog/search.html", {"query": text, "page": page})
