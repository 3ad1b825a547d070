"""Display helpers of the back-office templates."""

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from comptoir.orders.models import Order

from ..labels import ALL_PAYMENT_METHOD_LABELS, INVOICE_STATUS_LABELS, NOTIFICATION_STATUS_LABELS

register = template.Library()


@register.filter
def invoice_status_label(status: str) -> str:
    return str(INVOICE_STATUS_LABELS.get(status, status))


@register.filter
def order_payment_method(value: str) -> str:
    """What the customer chose at checkout (« — » in order-details-only mode)."""
    if not value:
        return _("None")
    return str(Order.PaymentMethod(value).label) if value in Order.PaymentMethod.values else value


@register.filter
def payment_method_label(value: str) -> str:
    """How a recorded payment was made."""
    return str(ALL_PAYMENT_METHOD_LABELS.get(value, value))


@register.filter
def notification_state(value: str) -> str:
    return str(NOTIFICATION_STATUS_LABELS.get(value, value))


@register.filter
def is_ready_to_complete(order: Order) -> bool:
    """Not completed yet, but its invoice is paid: the merchant can set « Complétée »."""
    if order.status in (Order.Status.COMPLETED, Order.Status.CANCELLED):
        return False
    try:
        return order.invoice.status == "paid"
    except ObjectDoesNotExist:  # no invoice yet
        return False


@register.filter
def tax_label(code: str) -> str:
    """« TPS », « TVQ », « TVH »… (the tax app names them)."""
    from comptoir.taxes.services import TAX_LABELS

    return str(TAX_LABELS.get(code, code))


@register.filter
def is_shop_owner(user) -> bool:
    """Whether the sidebar shows « Configuration » (only the shop owner may open it)."""
    from comptoir.configuration.permissions import is_shop_owner as owner_check

    return owner_check(user)


@register.filter
def negate(amount):
    """The opposite amount (what the shop owes, shown as a positive amount)."""
    return -amount
@register.inclusion_tag("dashboard/_outbox_alert.html", takes_context=True)
def outbox_alert(context):
    """A banner when messages are stuck or the task worker has not been seen for 5 minutes
    (``notifications.health``, read with the page's other checks: ``access.staff_page_state``),
    for signed-in staff."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return {"health": None}
    from comptoir.configuration.permissions import is_shop_owner

    from ..access import staff_page_state

    return {"health": staff_page_state(request).outbox, "show_log_link": is_shop_owner(user)}


# The sidebar's links: (``nav`` value, URL name, icon, label); « Paramètres » is added by the
# template for the shop owner only.
SIDEBAR_LINKS = [
    ("home", "dashboard:home", "⌂", gettext_lazy("Dashboard")),
    ("orders", "dashboard:order_list", "▤", gettext_lazy("Orders")),
    ("invoices", "dashboard:invoice_list", "▦", gettext_lazy("Invoices")),
    ("reconciliation", "dashboard:reconciliation", "⇄", gettext_lazy("Bank reconciliation")),
    ("customers", "dashboard:customer_list", "☺", gettext_lazy("Customers")),
    ("reports", "dashboard:tax_report", "∑", gettext_lazy("Reports")),
    ("products", "configuration:product_list", "◫", gettext_lazy("Products")),
    ("promotions", "configuration:promotion_list", "%", gettext_lazy("Promotions")),
    ("categories", "configuration:category_list", "◇", gettext_lazy("Categories")),
]
# {(language, script prefix): [(nav value, URL, icon, label)]}: the same for every page.
_SIDEBAR: dict[tuple[str, str], list[tuple[str, str, str, str]]] = {}


@register.simple_tag
def sidebar_links(nav: str) -> str:
    """The sidebar's ``<li>`` links, the current section marked: URLs and labels computed once
    per language rather than by the template on every back-office page (same HTML)."""
    key = (get_language() or "", get_script_prefix())
    links = _SIDEBAR.get(key)
    if links is None:
        links = _SIDEBAR[key] = [(value, reverse(name), icon, str(label))
                                 for value, name, icon, label in SIDEBAR_LINKS]
    current = mark_safe('aria-current="page"')  # a constant
    link = '<li><a href="{}" {}><span class="nav-icon" aria-hidden="true">{}</span>{}</a></li>'
    return format_html_join("\n      ", link, (
        (url, current if value == nav else "", icon, label)
        for value, url, icon, label in links
    ))
