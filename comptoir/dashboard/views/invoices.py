"""Tab « Facture » of an order, the invoice editor (pencil), printing, sending, « Factures »."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core.errors import DomainError
from comptoir.core.money import format_amount
from comptoir.invoicing.models import CreditNote, Invoice
from comptoir.invoicing.selectors import invoice_of

from .. import selectors
from ..access import staff_required
from ..forms import InvoicePaymentForm, OrderSearchForm, PaymentReversalForm
from .common import form_errors, redirect_back, walk_by_number
from .orders import _order_or_404, order_context


@staff_required
def order_invoice(request, number: int):
    order = _order_or_404(number)
    invoice = invoice_of(order)
    balance = _balance(invoice) if invoice else None
    return render(request, "dashboard/orders/invoice.html", order_context(
        order, tab="invoice", balance=balance, **_money_after_sale(order, invoice),
        **_reminders(order, invoice),
    ))


def _reminders(order, invoice) -> dict:
    """« Rappels de paiement » of the tab: those sent, and whether they are on for this order."""
    from comptoir.merchant.models import ShopSettings
    from comptoir.payments.reminders import reminders_state

    if invoice is None:
        return {}
    return {"reminders": reminders_state(order), "reminders_enabled": ShopSettings.load().reminders_enabled}


@staff_required
@require_POST
def invoice_remind(request, number: int):
    """« Envoyer un rappel maintenant »: a payment reminder to the customer, now."""
    from comptoir.payments.reminders import send_reminder_now

    order = _order_or_404(number)
    invoice = invoice_of(order)
    if invoice is None:
        messages.error(request, _("Create the invoice first."))
    else:
        try:
            send_reminder_now(invoice, actor=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("A payment reminder is on its way to %(email)s.") % {
                "email": invoice.customer_email})
    return redirect("dashboard:order_invoice", number=number)


@staff_required
@require_POST
def order_reminders(request, number: int):
    """Turn the automatic reminders (and cancellation) of one order off or back on."""
    from comptoir.payments.reminders import set_order_reminders

    order = _order_or_404(number)
    enabled = request.POST.get("enabled") == "on"
    set_order_reminders(order, enabled=enabled, actor=request.user)
    messages.success(request, _("Payment reminders are on for this order.") if enabled
                     else _("Payment reminders are off for this order."))
    return redirect("dashboard:order_invoice", number=number)


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
    """The pencil: « Information de paiement » records one payment received."""
    order = _order_or_404(number)
    invoice = invoice_of(order)
    if invoice is None:
        messages.error(request, _("Create the invoice first."))
        return redirect("dashboard:order_invoice", number=number)
    balance = _balance(invoice)
    form = InvoicePaymentForm(request.POST or None, initial={
        "amount": balance if balance > 0 else None, "received_on": timezone.localdate(),
    })
    if request.method == "POST" and form.is_valid():
        if _save_payment(request, invoice, form.cleaned_data):
            return redirect("dashboard:order_invoice", number=number)
    return render(request, "dashboard/orders/invoice_edit.html", order_context(
        order, tab="invoice", form=form, balance=balance,
    ))


def _save_payment(request, invoice: Invoice, data: dict) -> bool:
    """Record the payment; the service refuses what the rules refuse (nothing is changed)."""
    from comptoir.payments.services import record_payment

    try:
        payment = record_payment(
            invoice, method=data["method"], amount=data["amount"], actor=request.user,
            received_on=data["received_on"], reference=data["reference"],
            confirm_overpayment=data["confirm_overpayment"],
            card_brand=data["card_brand"], card_last4=data["card_last4"],
            authorization_code=data["authorization_code"],
        )
    except DomainError as error:
        messages.error(request, str(error))
        return False
    payment_recorded_message(request, payment, invoice)
    return True


def payment_recorded_message(request, payment, invoice: Invoice) -> None:
    """What the merchant reads once a payment is recorded (here and in « Rapprochement bancaire »)."""
    if invoice.status == Invoice.Status.PAID:
        messages.success(request, _("Payment of %(amount)s recorded: invoice %(reference)s is paid.") % {
            "amount": format_amount(payment.amount), "reference": invoice.reference})
    else:
        messages.success(request, _("Payment of %(amount)s recorded: the balance due is %(balance)s.") % {
            "amount": format_amount(payment.amount), "balance": format_amount(invoice.balance_amount)})


@staff_required
@require_POST
def payment_reverse(request, number: int, payment_id: int):
    """« Annuler ce paiement » (a returned cheque), with its reason."""
    from comptoir.payments.models import Payment
    from comptoir.payments.services import reverse_payment

    payment = get_object_or_404(Payment.objects.select_related("invoice"), pk=payment_id,
                                invoice__order__number=number)
    form = PaymentReversalForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
    else:
        try:
            reverse_payment(payment, reason=form.cleaned_data["reason"], actor=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Payment of %(amount)s reversed.") % {
                "amount": format_amount(payment.amount)})
    return redirect("dashboard:order_invoice", number=number)


@staff_required
def invoice_pdf(request, number: int):
    """« Imprimer »: the invoice PDF, shown in the browser, named after its number."""
    from comptoir.invoicing.pdf import pdf_response, render_invoice_pdf
    from comptoir.payments.links import payment_url

    invoice = get_object_or_404(Invoice, number=number)
    return pdf_response(render_invoice_pdf(invoice, payment_url=payment_url(invoice) or ""),
                        kind="invoice", reference=invoice.reference)


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

