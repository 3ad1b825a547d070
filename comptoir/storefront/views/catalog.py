"""Home, category pages, product pages and search."""

from django.http import Http404
from django.shortcuts import render

from comptoir.catalog import selectors
from comptoir.core.page_cache import cached_for_visitors
from comptoir.core.search import clean_search_text

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
    return render(request, "storefront/catalog/product.html", {
        "product": product,
        "form": QuantityForm(),
        "can_order": not current_shop(request).catalogue_mode,
    })


def search(request):
    text = clean_search_text(request.GET.get("q"))
    page = listing_page(selectors.search_products(text), request.GET.get("page"), per_page=PAGE_SIZE)
    return render(request, "storefront/catalog/search.html", {"query": text, "page": page})
