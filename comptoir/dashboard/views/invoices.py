"""Tab « Facture » of an order, the invoice editor (pencil), printing, sending, « Factures »."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core.errors import DomainError
from comptoir.invoicing.models import CreditNote, Invoice
from comptoir.invoicing.selectors import invoice_of

from .. import selectors
from ..access import staff_required
from ..forms import InvoicePaymentForm, OrderSearchForm
from .common import redirect_back, walk_by_number
from .orders import _order_or_404, order_context


@staff_required
def order_invoice(request, number: int):
    order = _order_or_404(number)
    invoice = invoice_of(order)
    balance = _balance(invoice) if invoice else None
    return render(request, "dashboard/orders/invoice.html", order_context(
        order, tab="invoice", balance=balance, **_money_after_sale(order, invoice),
    ))


def _money_after_sale(order, invoice) -> dict:
    """Refunds, earlier invoices and every credit note of the order (a constant few queries)."""
    from comptoir.payments.models import Refund
    from comptoir.payments.refunds import order_balances

    if invoice is None:
        return {}
    return {
        "balances": order_balances(order),
        "refunds": list(Refund.objects.filter(invoice__order=order).order_by("created_at", "id")),
        "history": [i for i in order.invoices.order_by("-number") if i.pk != invoice.pk],
        "all_credit_notes": list(CreditNote.objects.filter(invoice__order=order).select_related("invoice")
                                 .order_by("number")),
    }


def _balance(invoice: Invoice):
    from comptoir.payments.services import invoice_balance

    return invoice_balance(invoice)


@staff_required
def invoice_create(request, number: int):
    """« Créer une facture » shows what will be issued; « Enregistrer » issues it."""
    order = _order_or_404(number)
    invoice_tab = reverse("dashboard:order_invoice", args=[number])
    if invoice_of(order) is not None:
        messages.info(request, _("This order already has an invoice."))
        return redirect(invoice_tab)
    if request.method == "POST":
        from comptoir.invoicing.services import issue_invoice

        try:
            invoice = issue_invoice(order, actor=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Invoice %(reference)s created.") % {"reference": invoice.reference})
        return redirect(invoice_tab)
    return render(request, "dashboard/orders/invoice_create.html", order_context(order, tab="invoice"))


@staff_required
def invoice_edit(request, number: int):
    """The pencil: « Information de paiement » (method) and the « Payée » status button."""
    order = _order_or_404(number)
    invoice = invoice_of(order)
    if invoice is None:
        messages.error(request, _("Create the invoice first."))
        return redirect("dashboard:order_invoice", number=number)
    form = InvoicePaymentForm(request.POST or None, initial={"status": invoice.status})
    if request.method == "POST" and form.is_valid():
        if _save_payment(request, invoice, form.cleaned_data):
            return redirect("dashboard:order_invoice", number=number)
    return render(request, "dashboard/orders/invoice_edit.html", order_context(
        order, tab="invoice", form=form, balance=_balance(invoice),
    ))


def _save_payment(request, invoice: Invoice, data: dict) -> bool:
    """Record the payment of the balance when « Payée » is chosen on an unpaid invoice."""
    from comptoir.payments.services import record_payment

    wants_paid = data["status"] == InvoicePaymentForm.PAID
    no_change = _("Invoice %(reference)s saved: no change.") % {"reference": invoice.reference}
    if invoice.status == Invoice.Status.CANCELLED:
        messages.error(request, _("This invoice is cancelled: it takes no payment."))
        return False
    if invoice.status == Invoice.Status.PAID:
        if wants_paid:
            messages.info(request, no_change)
            return True
        messages.error(request, _(
            "A recorded payment cannot be taken back here: a paid invoice is corrected with a credit note."
        ))
        return False
    if not wants_paid:
        messages.info(request, no_change)
        return True
    try:
        record_payment(invoice, method=data["method"], amount=None, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return False
    messages.success(request, _("Invoice %(reference)s is paid.") % {"reference": invoice.reference})
    return True


@staff_required
def invoice_pdf(request, number: int):
    """« Imprimer »: the invoice PDF, shown in the browser, named after its number."""
    from comptoir.invoicing.pdf import pdf_response, render_invoice_pdf

    invoice = get_object_or_404(Invoice, number=number)
    return pdf_response(render_invoice_pdf(invoice), kind="invoice", reference=invoice.reference)


@staff_required
def credit_note_pdf(request, number: int):
    from comptoir.invoicing.pdf import pdf_response, render_credit_note_pdf

    credit_note = get_object_or_404(CreditNote.objects.select_related("invoice"), number=number)
    return pdf_response(render_credit_note_pdf(credit_note), kind="credit-note",
                        reference=credit_note.reference)


@staff_required
@require_POST
def invoice_send(request, number: int):
    """« Envoyer par courriel »: queue the invoice email (PDF attached, payment link if unpaid)."""
    from comptoir.payments.messages import send_invoice_email

    invoice = get_object_or_404(Invoice.objects.select_related("order"), number=number)
    try:
        send_invoice_email(invoice, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Invoice %(reference)s is on its way to %(email)s.") % {
            "reference": invoice.reference, "email": invoice.customer_email,
        })
    return redirect_back(request, reverse("dashboard:invoice_list"))


@staff_required
def invoice_list(request):
    form = OrderSearchForm(request.GET)
    form.is_valid()
    search = form.cleaned_data.get("q", "")
    page = walk_by_number(request, selectors.invoice_list(search=search))
    return render(request, "dashboard/invoices/list.html", {
        "nav": "invoices", "page": page, "invoices": page.rows, "search": search,
        "payment_links": _payment_links_available(),
    })


def _payment_links_available() -> bool:
    """Whether an unpaid invoice's email carries an online payment link (PayPal is on)."""
    from comptoir.payments.links import online_payment_available

    return online_payment_available()

