"""Payment links: the public « Payer la facture » page of an invoice with a balance due."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from comptoir.invoicing.models import Invoice
from comptoir.merchant.models import ShopSettings


def online_payment_available() -> bool:
    """PayPal credentials are set and the merchant enabled PayPal (``paypal.services`` asks
    this too, so payment links and the payment page agree)."""
    configured = bool(settings.PAYPAL_CLIENT_ID and settings.PAYPAL_CLIENT_SECRET)
    return configured and ShopSettings.load().paypal_enabled


def payment_url(invoice: Invoice) -> str | None:
    """Absolute URL of the invoice's payment page, in the invoice's language.

    None unless the invoice is unpaid with a balance due, and PayPal is enabled by the merchant
    and configured (credentials): an email must not carry a link that cannot take a payment.
    """
    if invoice.status != Invoice.Status.UNPAID or invoice.balance_amount <= 0:
        return None
    if not online_payment_available():
        return None
    with translation.override(invoice.language or settings.LANGUAGE_CODE):
        path = reverse("pay:invoice", kwargs={"token": invoice.payment_token})
    return settings.SITE_URL + path
