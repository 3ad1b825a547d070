"""The customer's order pages: confirmation, the unguessable order page, the account's orders."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from comptoir.fulfilment.selectors import customer_shipments
from comptoir.invoicing.models import CreditNote, Invoice
from comptoir.payments.links import payment_url

from ..selectors import order_for_customer, orders_of_user


def _order_or_404(token):
    order = order_for_customer(token)
    if order is None:
        raise Http404
    return order


def _payment_url(invoice) -> str | None:
    """The online payment page of an unpaid invoice, when the shop takes online payments."""
    return payment_url(invoice) if invoice is not None else None


def invoice_pdf(request, token):
    """The order's invoice as a PDF, for whoever holds the order's link (like the order page)."""
    from comptoir.invoicing.pdf import pdf_response, render_invoice_pdf

    invoice = Invoice.objects.filter(current_for__token=token).first()
    if invoice is None:
        raise Http404
    return pdf_response(render_invoice_pdf(invoice, payment_url=payment_url(invoice) or ""),
                        kind="invoice", reference=invoice.reference)


def credit_note_pdf(request, token, number):
    """A credit note of the order's invoice, as a PDF."""
    from comptoir.invoicing.pdf import pdf_response, render_credit_note_pdf

    credit_note = (CreditNote.objects.select_related("invoice")
                   .filter(invoice__order__token=token, number=number).first())
    if credit_note is None:
        raise Http404
    return pdf_response(render_credit_note_pdf(credit_note), kind="credit-note",
                        reference=credit_note.reference)


def confirmation(request, token):
    order = _order_or_404(token)
    return render(request, "storefront/orders/confirmation.html", {
        "order": order, "invoice": getattr(order, "invoice", None),
    })


def order_detail(request, token):
    """The order's page: the link of the confirmation email works for guests too (the token is
    a random UUID, so nobody can guess another customer's order)."""
    order = _order_or_404(token)
    invoice = getattr(order, "invoice", None)
    return render(request, "storefront/orders/detail.html", {
        "order": order, "invoice": invoice, "payment_url": _payment_url(invoice),
        "shipments": customer_shipments(order),
    })


@login_required
def account_orders(request):
    page = Paginator(orders_of_user(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "storefront/orders/list.html", {"page": page})
