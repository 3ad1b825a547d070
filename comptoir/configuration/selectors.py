"""Read queries of the configuration screens (each page runs a constant number of queries)."""

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django_otp.plugins.otp_totp.models import TOTPDevice

from comptoir.catalog.models import Category, Product, ProductVariant
from comptoir.core.text import search_terms
from comptoir.merchant.models import ShopSettings
from comptoir.notifications.models import Notification
from comptoir.orders.models import Order

from .permissions import OWNER_GROUP


def paypal_status() -> dict:
    """{"configured": bool, "mode": "live" | "sandbox" | "simulator", "webhook_configured": bool}
    for the « Paiements » tab.

    Asks the PayPal app when it is installed; otherwise reads the credentials from settings.
    """
    if apps.is_installed("comptoir.paypal"):
        from comptoir.paypal.services import paypal_status as provider_status

        status = provider_status()
        if not isinstance(status, dict):
            status = {"configured": getattr(status, "configured", False),
                      "mode": getattr(status, "mode", "")}
        return {"configured": bool(status.get("configured")), "mode": status.get("mode") or "",
                "webhook_configured": bool(status.get("webhook_configured"))}
    configured = bool(settings.PAYPAL_CLIENT_ID and settings.PAYPAL_CLIENT_SECRET)
    mode = "simulator" if settings.PAYPAL_API_BASE else settings.PAYPAL_MODE
    return {"configured": configured, "mode": mode, "webhook_configured": bool(settings.PAYPAL_WEBHOOK_ID)}


def filtered_products(*, q: str = "", category=None, visibility: str = "", stock: str = ""):
    products = Product.objects.select_related("category").order_by("category__position", "position",
                                                                      "name_fr", "pk")
    for term in search_terms(q):
        products = products.filter(Q(search_name__contains=" " + term) | Q(sku__icontains=term))
    if category is not None:
        products = products.filter(category=category)
    if visibility == "visible":
        products = products.filter(is_visible=True)
    elif visibility == "hidden":
        products = products.filter(is_visible=False)
    # A product sold by variant is out of stock when none of its variants for sale has any, low
    # on stock when one of them is.
    for_sale = ProductVariant.objects.filter(product=OuterRef("pk"), is_active=True)
    if stock == "out":
        products = products.filter(Q(has_variants=False, stock=0)
                                   | Q(has_variants=True) & ~Exists(for_sale.filter(stock__gt=0)))
    elif stock == "low":  # at or below the product's threshold, or the shop's default one
        default = ShopSettings.load().low_stock_threshold
        low_variants = for_sale.filter(stock__lte=Coalesce(OuterRef("low_stock_threshold"), default))
        products = products.alias(threshold=Coalesce("low_stock_threshold", default)).filter(
            Q(has_variants=False, stock__lte=F("threshold")) | Q(has_variants=True) & Exists(low_variants))
    return products


def categories_with_parents():
    return Category.objects.select_related("parent").order_by("position", "name_fr", "pk")


def filtered_notifications(*, status: str = "", channel: str = ""):
    notifications = Notification.objects.defer("context", "body_html").order_by("-created_at", "-id")
    if status in Notification.Status.values:
        notifications = notifications.filter(status=status)
    if channel in Notification.Channel.values:
        notifications = notifications.filter(channel=channel)
    return notifications


ORDER_REFERENCE_PREFIX = "order:"


def with_orders(notifications: list) -> list:
    """Set ``notification.order`` (or None) from its ``reference`` (« order:<pk> », an internal
    key never shown as such), with one query for the whole page whatever its length."""
    order_pks = {}
    for notification in notifications:
        prefix, _colon, pk = notification.reference.partition(":")
        if f"{prefix}:" == ORDER_REFERENCE_PREFIX and pk.isdigit():
            order_pks[notification.pk] = int(pk)
    orders = Order.objects.only("pk", "number").in_bulk(set(order_pks.values()))
    for notification in notifications:
        notification.order = orders.get(order_pks.get(notification.pk))
    return notifications


def staff_accounts():
    owner_membership = get_user_model().groups.through.objects.filter(
        user_id=OuterRef("pk"), group__in=Group.objects.filter(name=OWNER_GROUP)
    )
    return (
        get_user_model().objects.filter(Q(is_staff=True) | Q(is_superuser=True))
        .annotate(in_owner_group=Exists(owner_membership),
                  has_two_factor=Exists(TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)))
        .order_by("-is_active", "username")
    )
