"""What every storefront page shows: the shop's name, the category navigation, the cart size.

Each value is computed on first use only, so pages that do not show it (the back-office) run no
query for it.
"""

import functools

from django.utils.functional import SimpleLazyObject

from comptoir.catalog.selectors import navigation_categories
from comptoir.checkout.cart import cart_quantity
from comptoir.core.shared_state import cached_configuration

from .cart_session import CART_ITEMS_ATTRIBUTE, session_cart
from .shop import current_shop


def storefront(request):
    @functools.cache
    def quantity_in_cart() -> int:
        # A callable, not a lazy object: templates call it and get a real int (plural forms).
        items = getattr(request, CART_ITEMS_ATTRIBUTE, None)
        if items is not None:
            return sum(item.quantity for item in items)
        return cart_quantity(session_cart(request))

    return {
        "shop": SimpleLazyObject(lambda: current_shop(request)),
        "nav_categories": SimpleLazyObject(lambda: cached_configuration(
            "navigation", navigation_categories, request=request)),
        "cart_quantity": quantity_in_cart,
    }
