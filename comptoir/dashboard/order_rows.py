"""The rows of the order list (« Commandes »), written here rather than by a template.

The order list is the back-office page opened most often, and its 50 rows were most of its
cost: a template looks up some 40 variables per row through the template engine (about 0.2 ms
a row). Here each row is filled by ``html()``, ``format_html`` with MarkupSafe's escaping
(written in C, several times faster than Django's): what a row repeats (the status options, the
links, the labels) is computed once per page, every value is escaped unless it is already safe
HTML (``__html__``, as Django's ``SafeString``), and the HTML is the one the template wrote.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from markupsafe import Markup, escape

from comptoir.core.i18n import current_language
from comptoir.core.money import format_amount
from comptoir.orders.models import Order
from comptoir.orders.services import allowed_transitions

from .templatetags.dashboard import invoice_status_label, order_payment_method

ROW = (
    '<tr id="order-{number}" data-number="{number}">'
    '<td class="select"><input type="checkbox" name="orders" value="{number}" form="batch-form" '
    'id="select-{number}" aria-label="{select_label}"></td>'
    '<th scope="row"><a class="order-number" href="{detail_url}">{number}</a></th>'
    '<td class="date"><time datetime="{placed_iso}">{placed_at}</time></td>'
    '<td class="customer">{customer}<br><span class="muted small email">{email}</span></td>'
    '<td class="amount">{total}</td>'
    '<td class="payment">{payment}</td>'
    '<td class="status">{status}</td>'
    '<td class="invoice">{invoice}{ready}</td>'
    '<td class="fulfilment"><span class="badge fulfilment-{fulfilment}">{fulfilment_name}</span></td>'
    "</tr>"
)
STATUS_FORM = (
    '<form class="inline-status" method="post" action="{action}" data-confirm-cancel="{confirm}">'
    '{csrf}<input type="hidden" name="next" value="{next}">'
    '<span class="badge order-{status}">{status_name}</span>'
    '<label class="visually-hidden" for="status-{number}">{label}</label>'
    '<select id="status-{number}" name="status">{options}</select>'
    '<button type="submit" class="button small">{save}</button></form>'
)
STATUS_BADGE = '<span class="badge order-{}">{}</span>'
INVOICE_BADGE = '<span class="badge invoice-{}">{}</span>'
NO_INVOICE = Markup('<span class="muted">—</span>')
READY_BADGE = ' <span class="badge ready" title="{}">✓ {}</span>'
OPTION = '<option value="{}" {}>{}</option>'
CLOSED = (Order.Status.COMPLETED, Order.Status.CANCELLED)


def html(template: str, *args, **kwargs) -> Markup:
    """``template`` (HTML written here) filled with ``args`` and ``kwargs``, each escaped
    unless it is safe HTML already: Django's ``format_html`` with MarkupSafe's ``escape``."""
    escaped = {key: escape(value) for key, value in kwargs.items()}
    return Markup(template.format(*map(escape, args), **escaped))


def order_rows(orders, request) -> SafeString:
    """The ``<tr>`` of each order of ``orders`` (read by ``orders.selectors.order_list``)."""
    language = current_language()
    short_datetime = get_format("SHORT_DATETIME_FORMAT")
    status_names = {value: str(label) for value, label in Order.Status.choices}
    fulfilment_names = {value: str(label) for value, label in Order.Fulfilment.choices}
    options = {
        current: Markup("").join(
            html(OPTION, value, "selected" if value == current else "", label)
            for value, label in Order.Status.choices
        )
        for current in Order.Status.values
    }
    detail = reverse("dashboard:order_detail", args=[0])[:-2]
    change_status, change_status_tail = reverse("dashboard:order_change_status", args=[0]).rsplit("/0/", 1)
    select_label, status_label = _("Select order %(number)s"), _("Status of order %(number)s")
    shared = {
        "confirm": _("Cancel this order? Its stock is released and its invoice, if any, is cancelled "
                     "by a credit note."),
        "csrf": Markup(csrf_input(request)),  # the same hidden input as ``{% csrf_token %}``
        "next": request.get_full_path(),
        "save": _("Save"),
    }
    ready = html(READY_BADGE, _("The invoice is paid: the order can be completed."),
                        _("Paid — ready to complete"))
    payment_names, invoice_names = {}, {}
    rows = []
    for order in orders:
        number = order.number
        if order.payment_method not in payment_names:
            payment_names[order.payment_method] = order_payment_method(order.payment_method)
        try:
            invoice_status = order.invoice.status
        except ObjectDoesNotExist:  # no invoice yet
            invoice_status = ""
        if invoice_status and invoice_status not in invoice_names:
            invoice_names[invoice_status] = invoice_status_label(invoice_status)
        status_name = status_names.get(order.status, order.status)
        if allowed_transitions(order):
            status = html(
                STATUS_FORM, action=f"{change_status}/{number}/{change_status_tail}",
                status=order.status, status_name=status_name, number=number,
                label=status_label % {"number": number}, options=options.get(order.status, ""),
                **shared,
            )
        else:
            status = html(STATUS_BADGE, order.status, status_name)
        placed_at = timezone.localtime(order.placed_at)
        customer = order.customer
        rows.append(html(
            ROW, number=number, select_label=select_label % {"number": number},
            detail_url=f"{detail}{number}/", placed_iso=placed_at.isoformat(),
            placed_at=dateformat.format(placed_at, short_datetime),
            customer=(customer.full_name if customer is not None else "") or order.email,
            email=order.email, total=format_amount(order.total_amount, language),
            payment=payment_names[order.payment_method], status=status,
            invoice=html(INVOICE_BADGE, invoice_status, invoice_names[invoice_status])
            if invoice_status else NO_INVOICE,
            ready=ready if invoice_status == "paid" and order.status not in CLOSED else "",
            fulfilment=order.fulfilment_state,
            fulfilment_name=fulfilment_names.get(order.fulfilment_state, order.fulfilment_state),
        ))
    return mark_safe("\n".join(rows))  # each row built by html()
