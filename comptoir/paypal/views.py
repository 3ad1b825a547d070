"""The public « Payer la facture » page and PayPal's return, cancel and webhook callbacks.

No request parameter sets an amount or a paid status: the amount is the invoice balance computed
here, and an invoice becomes paid only when PayPal reports a matching completed capture.
"""

import logging

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from comptoir.core.errors import DomainError
from comptoir.invoicing.models import Invoice
from comptoir.merchant.models import ShopSettings
from comptoir.orders.models import Order
from comptoir.payments.services import invoice_balance
from comptoir.taxes.services import TAX_LABELS

from . import client as paypal
from .models import PayPalCheckout
from .selectors import invoice_for_payment
from .services import PaymentUnavailable, cancel_checkout, capture_checkout, paypal_available, start_checkout
from .webhooks import WebhookRejected, receive_webhook

logger = logging.getLogger(__name__)


@require_GET
def pay_invoice(request, token):
    invoice = invoice_for_payment(token)
    balance = invoice_balance(invoice)
    can_pay = invoice.status == Invoice.Status.UNPAID and balance > 0 and paypal_available()
    # Coming from a PayPal checkout (flow A), the payer goes straight on to PayPal; once only,
    # so that coming back after cancelling shows the page instead of looping.
    autostart = can_pay and (
        request.GET.get("start") == "1"
        or (invoice.order.payment_method == Order.PaymentMethod.PAYPAL
            and not PayPalCheckout.objects.filter(invoice=invoice).exists())
    )
    response = render(request, "paypal/pay_invoice.html", {
        "invoice": invoice, "order": invoice.order, "balance": balance, "can_pay": can_pay,
        "autostart": autostart, "shop": ShopSettings.load(), "merchant": invoice.merchant,
        "tax_lines": [(TAX_LABELS.get(tax.code, tax.code), tax) for tax in invoice.taxes.all()],
        "is_paid": invoice.status == Invoice.Status.PAID,
        "is_cancelled": invoice.status == Invoice.Status.CANCELLED,
    })
    if can_pay:
        # The posted form is redirected to PayPal's checkout: this page's Content-Security-Policy
        # (django-csp) lets the form go there, and only there.
        response._csp_update = {"form-action": paypal.checkout_origins()}
    return response


@require_POST
def start_payment(request, token):
    invoice = invoice_for_payment(token)
    page = reverse("pay:invoice", kwargs={"token": token})
    try:
        checkout = start_checkout(
            invoice, language=request.LANGUAGE_CODE,
            return_url=request.build_absolute_uri(reverse("pay:return", kwargs={"token": token})),
            cancel_url=request.build_absolute_uri(reverse("pay:cancel", kwargs={"token": token})),
        )
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(page)
    return redirect(checkout.approve_url)


@require_GET
def payment_return(request, token):
    """PayPal sends the payer back here after approval: capture server-side, then show the page."""
    invoice = invoice_for_payment(token)
    page = reverse("pay:invoice", kwargs={"token": token})
    checkout = PayPalCheckout.objects.filter(
        invoice=invoice, paypal_order_id=request.GET.get("token", "")[:36]).first()
    if checkout is None:
        messages.error(request, _("This PayPal payment is not one of this invoice's."))
        return redirect(page)
    try:
        checkout = capture_checkout(checkout, source="return")
    except PaymentUnavailable as error:
        messages.warning(request, str(error))
        return redirect(page)
    _tell_outcome(request, checkout)
    if invoice.order.payment_method == Order.PaymentMethod.PAYPAL and checkout.status in (
        PayPalCheckout.Status.COMPLETED, PayPalCheckout.Status.PENDING
    ):
        # Paid at checkout (flow A): the customer finishes on the order confirmation, not on
        # the invoice's payment page.
        return redirect("storefront:order_confirmation", token=invoice.order.token)
    return redirect(page)


def _tell_outcome(request, checkout: PayPalCheckout) -> None:
    Status = PayPalCheckout.Status
    if checkout.status == Status.COMPLETED:
        messages.success(request, _("Thank you! Your payment was received. A confirmation is on its way "
                                    "by email."))
    elif checkout.status == Status.PENDING:
        messages.info(request, _("PayPal is still processing your payment. You will receive a "
                                 "confirmation by email as soon as it is complete."))
    elif checkout.status == Status.NEEDS_ATTENTION:
        messages.warning(request, _("PayPal reported a payment that does not match this invoice. The shop "
                                    "will check it and contact you; please do not pay again."))
    elif checkout.status == Status.DECLINED:
        messages.error(request, _("PayPal declined the payment. Nothing was charged: you can try "
                                  "again with another card or account."))
    else:
        messages.error(request, _("The payment was not completed. Nothing was charged: you can try "
                                  "again."))


@require_GET
def payment_cancel(request, token):
    invoice = invoice_for_payment(token)
    checkout = PayPalCheckout.objects.filter(
        invoice=invoice, paypal_order_id=request.GET.get("token", "")[:36]).first()
    if checkout is not None:
        cancel_checkout(checkout)
    messages.info(request, _("You cancelled the payment on PayPal. Nothing was charged."))
    return redirect("pay:invoice", token=token)


@csrf_exempt
@require_POST
def paypal_webhook(request):
    try:
        result = receive_webhook(request.headers, request.body)
    except WebhookRejected as error:
        logger.warning("PayPal webhook rejected: %s", error)
        return HttpResponseBadRequest("rejected")
    except paypal.PayPalError as error:
        # Could not verify now: a non-2xx answer makes PayPal deliver it again.
        logger.warning("PayPal webhook not verified: %s", error)
        return HttpResponse("try again later", status=503)
    logger.info("PayPal webhook: %s", result)  # stored (a task processes it) or duplicate
    return HttpResponse("ok")
