"""Per-request helpers shared by the storefront views and its context processor."""

from comptoir.core.shared_state import cached_configuration
from comptoir.merchant.models import ShopSettings


def current_shop(request) -> ShopSettings:
    """The shop's settings, read once per request (views and templates share it)."""
    if not hasattr(request, "_comptoir_shop"):
        request._comptoir_shop = cached_configuration("shop", ShopSettings.load, request=request)
    return request._comptoir_shop
