"""The rows of the order list (« Commandes »), written here rather than by a template.

The order list is the back-office page opened most often, and its 50 rows were most of its
cost: a template looks up some 40 variables per row through the template engine (about 0.2 ms
a row). Here each row is filled by ``html()``, ``format_html`` with MarkupSafe's escaping
(written in C, several times faster than Django's): what a row repeats (the status options, the
links, the labels) is computed once per page, every value is escaped unless it is already safe
HTML (``__html__``, as Django's ``SafeString``), and the HTML is the one the template wrote.
The rows are read as dictionaries (``ROW_FIELDS``), not as ``Order`` objects: building 50
orders with their customers and invoices cost more than writing their HTML.
"""

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
from comptoir.orders.services import TRANSITIONS

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
# What a row shows: ``order_rows`` takes the order list's queryset ``.values(*ROW_FIELDS)``.
ROW_FIELDS = (
    "number", "status", "placed_at", "total_amount", "payment_method", "email", "fulfilment_state",
    "customer__first_name", "customer__last_name", "invoice__status",
)


def html(template: str, *args, **kwargs) -> Markup:
    """``template`` (HTML written here) filled with ``args`` and ``kwargs``, each escaped
    unless it is safe HTML already: Django's ``format_html`` with MarkupSafe's ``escape``."""
    escaped = {key: escape(value) for key, value in kwargs.items()}
    return Markup(template.format(*map(escape, args), **escaped))


def page_template(template: str, **shared) -> str:
    """``template`` with what is the same on every row of the page filled in (escaped), and
    the row's own fields left as ``{name}`` for ``str.format``: ``shared`` gives a value, or
    ``None`` to keep the field for the rows."""
    return template.format(**{
        name: "{" + name + "}" if value is None else _braces(str(escape(value)))
        for name, value in shared.items()
    })


def _braces(text: str) -> str:
    # Text filled in now must not be read as a field by the rows' ``format``.
    return text.replace("{", "{{").replace("}", "}}")


# Django's date format characters that ``strftime`` writes the same way (numbers only).
_STRFTIME = {"d": "%d", "m": "%m", "Y": "%Y", "y": "%y", "H": "%H", "i": "%M", "s": "%S"}


def date_formatter(django_format: str):
    """``dateformat.format(value, django_format)`` as a function of ``value``: ``strftime`` when
    the format is only numbers and punctuation (« d/m/Y H:i », « Y-m-d H:i », about ten times
    faster), Django's formatter otherwise (names of months and days, escapes)."""
    if all(char in _STRFTIME or not (char.isalpha() or char in "\\%") for char in django_format):
        pattern = "".join(_STRFTIME.get(char, char) for char in django_format)
        return lambda value: value.strftime(pattern)
    return lambda value: dateformat.format(value, django_format)


def order_rows(orders: list[dict], request) -> SafeString:
    """The ``<tr>`` of each order of ``orders``: the ``ROW_FIELDS`` of orders read by
    ``orders.selectors.order_list``.

    What every row repeats is escaped once per page (``page_template``); each row escapes its
    own text (the customer's name and email, the date) and fills in numbers and labels that
    are escaped already."""
    language = current_language()
    format_placed_at = date_formatter(get_format("SHORT_DATETIME_FORMAT"))
    shop_time = timezone.get_current_timezone()  # ``localtime()`` looks it up at each call
    statuses = [(value, str(label)) for value, label in Order.Status.choices]  # translated once
    status_names = {value: str(escape(label)) for value, label in statuses}
    fulfilment_names = {value: str(escape(label)) for value, label in Order.Fulfilment.choices}
    detail = str(escape(reverse("dashboard:order_detail", args=[0])[:-2]))
    change_status, change_status_tail = map(
        str, map(escape, reverse("dashboard:order_change_status", args=[0]).rsplit("/0/", 1)))
    row_template = page_template(ROW, **dict.fromkeys(
        ("number", "select_label", "detail_url", "placed_iso", "placed_at", "customer", "email", "total",
         "payment", "status", "invoice", "ready", "fulfilment", "fulfilment_name")))
    select_label = str(escape(_("Select order %(number)s")))
    status_label = str(escape(_("Status of order %(number)s")))
    csrf = Markup(csrf_input(request))  # the same hidden input as ``{% csrf_token %}``, masked once
    status_forms = {
        status: page_template(
            STATUS_FORM, action=None, number=None, label=None,
            status=status, status_name=Markup(status_names[status]),
            options=Markup("").join(
                html(OPTION, value, "selected" if value == status else "", label)
                for value, label in statuses
            ),
            confirm=_("Cancel this order? Its stock is released and its invoice, if any, is "
                      "cancelled by a credit note."),
            csrf=csrf,
            next=request.get_full_path(), save=_("Save"),
        )
        for status in Order.Status.values if TRANSITIONS.get(status)
    }
    status_badges = {status: str(html(STATUS_BADGE, status, name)) for status, name in statuses}
    ready = str(html(READY_BADGE, _("The invoice is paid: the order can be completed."),
                     _("Paid — ready to complete")))
    payment_names, invoice_badges = {}, {"": str(NO_INVOICE)}
    fulfilment_states = {}
    rows = []
    for order in orders:
        number, status, payment_method = order["number"], order["status"], order["payment_method"]
        fulfilment_state, invoice_status = order["fulfilment_state"], order["invoice__status"] or ""
        if payment_method not in payment_names:
            payment_names[payment_method] = str(escape(order_payment_method(payment_method)))
        if invoice_status not in invoice_badges:
            invoice_badges[invoice_status] = str(
                html(INVOICE_BADGE, invoice_status, invoice_status_label(invoice_status)))
        if fulfilment_state not in fulfilment_states:
            fulfilment_states[fulfilment_state] = (
                str(escape(fulfilment_state)),
                fulfilment_names.get(fulfilment_state) or str(escape(fulfilment_state)),
            )
        status_form = status_forms.get(status)
        if status_form is not None:
            status_cell = status_form.format(
                number=number, label=status_label % {"number": number},
                action=f"{change_status}/{number}/{change_status_tail}")
        else:
            status_cell = status_badges.get(status) or str(html(STATUS_BADGE, status, status))
        placed_at = order["placed_at"].astimezone(shop_time)
        # ``Customer.full_name``; a guest's order without a customer shows its email.
        customer = f"{order['customer__first_name'] or ''} {order['customer__last_name'] or ''}".strip()
        email = escape(order["email"])
        fulfilment, fulfilment_name = fulfilment_states[fulfilment_state]
        rows.append(row_template.format(
            number=number, select_label=select_label % {"number": number}, detail_url=f"{detail}{number}/",
            placed_iso=placed_at.isoformat(), placed_at=escape(format_placed_at(placed_at)),
            customer=escape(customer) if customer else email, email=email,
            total=escape(format_amount(order["total_amount"], language)),
            payment=payment_names[payment_method], status=status_cell, invoice=invoice_badges[invoice_status],
            ready=ready if invoice_status == "paid" and status not in CLOSED else "",
            fulfilment=fulfilment, fulfilment_name=fulfilment_name,
        ))
    return mark_safe("\n".join(rows))  # each value escaped above, or a number
